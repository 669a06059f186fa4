import { Body, Catch, Controller, Get, HttpCode, Inject, Param, Post, Req, UseFilters, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { bearerToken } from '../admin-auth/admin-auth.guard.js';
import { AdminSessionService } from '../admin-auth/admin-session.service.js';
import { GatewayError } from '../common/errors/gateway-error.js';
import { SettingsService } from '../settings/settings.service.js';
import { DonationError } from './donation.errors.js';
import { DonationService } from './donation.service.js';

/** Donation failures as `{detail, error, code, requires_manual_project_id}` with their own status. */
@Catch(DonationError)
export class DonationErrorFilter implements ExceptionFilter {
  catch(error: DonationError, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    void reply.header('x-request-id', randomUUID()).status(error.status).send(error.toBody());
  }
}

interface DonationBody {
  /** the account kind (GET /auth/account-types); default gemini-cli */
  type?: unknown;
  project_id?: unknown;
  callback_url?: unknown;
  state?: unknown;
  /** the donation password, when the admin set one */
  password?: unknown;
}

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

/**
 * The login-free donation API behind the /auth page (gcli2api-compat.md §4): start, paste the
 * callback URL, poll the status. The admin can turn donations off or require a donation password
 * (runtime settings donation_enabled / donation_password); a panel session passes either way.
 */
@Controller('auth')
@UseFilters(DonationErrorFilter)
export class DonationController {
  constructor(
    @Inject(DonationService) private readonly donation: DonationService,
    @Inject(SettingsService) private readonly settings: SettingsService,
    @Inject(AdminSessionService) private readonly sessions: AdminSessionService,
  ) {}

  /** What the /auth page needs before it starts: is donating open, is a password needed. */
  @Get('donation-info')
  info() {
    const s = this.settings.get();
    return {
      enabled: s.donation_enabled,
      password_required: s.donation_password !== '',
      redirect_uri: this.donation.redirectUri,
      flow_ttl_seconds: this.donation.flowTtlSeconds,
    };
  }

  /** The account kinds a donation can add, for the page's selector. */
  @Get('account-types')
  accountTypes() {
    return { types: this.donation.accountTypes() };
  }

  @Post('start')
  @HttpCode(200)
  async start(@Body() body: DonationBody | undefined, @Req() request: FastifyRequest) {
    await this.admit(request, body);
    return this.donation.start(text(body?.project_id), text(body?.type) ?? undefined);
  }

  @Post('callback-url')
  @HttpCode(200)
  callbackUrl(@Body() body: DonationBody | undefined) {
    return this.donation.completeWithCallbackUrl(body?.callback_url, text(body?.project_id), text(body?.state));
  }

  /** gcli2api's wait-for-the-local-callback call (≤ 60 s), by state. */
  @Post('callback')
  @HttpCode(200)
  callback(@Body() body: DonationBody | undefined) {
    const state = text(body?.state);
    if (!state) throw new GatewayError('invalid_request', 'state is required (the value /auth/start returned)', { param: 'state' });
    return this.donation.waitFor(state, 60_000);
  }

  @Get('status/:state')
  status(@Param('state') state: string) {
    return this.donation.status(state);
  }

  private async admit(request: FastifyRequest, body: DonationBody | undefined): Promise<void> {
    const token = bearerToken(request);
    if (token && (await this.sessions.isAdminCredential(token))) return;
    const s = this.settings.get();
    if (!s.donation_enabled) throw new DonationError('donation_disabled', 'The administrator has turned account donation off.');
    if (s.donation_password === '') return;
    const given = text(body?.password);
    if (!given) throw new DonationError('donation_password_required', 'This gateway asks donors for a donation password.');
    try {
      await this.sessions.checkSecret('donation', given, s.donation_password, request.ip, 'Wrong donation password.');
    } catch (error) {
      if (error instanceof GatewayError && error.code === 'unauthenticated') {
        throw new DonationError('donation_password_required', 'Wrong donation password.');
      }
      throw error;
    }
  }
}

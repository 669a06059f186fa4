import { Body, Controller, Get, HttpCode, Inject, Post, Req, UseGuards } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AdminAuthGuard } from './admin-auth.guard.js';
import { AdminSessionService } from './admin-session.service.js';

/** Panel login (gcli2api's POST /auth/login, answering a JWT), logout and a session check. */
@Controller('auth')
export class AdminAuthController {
  constructor(@Inject(AdminSessionService) private readonly sessions: AdminSessionService) {}

  /** `{password}` → `{token, token_type: 'bearer', expires_in, message}`; 401 wrong, 429 locked out. */
  @Post('login')
  @HttpCode(200)
  login(@Body() body: { password?: unknown } | undefined, @Req() request: FastifyRequest) {
    return this.sessions.login(body?.password, request.ip);
  }

  /** Ends the presented session in every gateway process; `{all: true}` ends every session. */
  @Post('logout')
  @HttpCode(200)
  @UseGuards(AdminAuthGuard)
  async logout(@Body() body: { all?: unknown } | undefined, @Req() request: FastifyRequest) {
    if (body?.all === true) {
      await this.sessions.revokeAll();
      return { message: 'every panel session has ended' };
    }
    const auth = request.adminAuth;
    if (auth?.method === 'jwt') await this.sessions.revoke(auth.claims);
    return { message: auth?.method === 'jwt' ? 'logged out' : 'nothing to end: the request used the panel password' };
  }

  /** Who is asking: lets the panel check a stored token before it renders an admin page. */
  @Get('session')
  @UseGuards(AdminAuthGuard)
  session(@Req() request: FastifyRequest) {
    const auth = request.adminAuth;
    return {
      authenticated: true,
      method: auth?.method ?? 'password',
      expires_at: auth?.method === 'jwt' ? new Date(auth.claims.exp * 1000).toISOString() : null,
    };
  }
}

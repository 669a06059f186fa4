/** Why a donation step failed, as the /auth page and gcli2api clients branch on it. */
export const DONATION_ERROR_STATUS = {
  /** the admin turned donations off */
  donation_disabled: 403,
  /** a donation password is set and was not given or is wrong */
  donation_password_required: 401,
  invalid_project_id: 400,
  /** /auth/start named an account type no AccountFlow is registered for */
  unknown_account_type: 400,
  /** the pasted text holds no code and state */
  invalid_callback_url: 400,
  /** the state is unknown or its 30 minutes are over: start again */
  unknown_state: 400,
  /** the donor declined on Google's consent screen */
  authorization_denied: 400,
  /** Google refused the authorization code (used, expired, or for another redirect) */
  code_rejected: 400,
  /** Google answered without a refresh token */
  no_refresh_token: 400,
  /** the account's tier needs a Google Cloud project id: retry with project_id */
  project_required: 400,
  /** Google says the account cannot use Gemini Code Assist */
  not_eligible: 400,
  /** anything else that stopped the import */
  import_failed: 400,
  /** POST /auth/callback waited and nothing arrived at the local callback */
  callback_timeout: 400,
} as const;

export type DonationErrorCode = keyof typeof DONATION_ERROR_STATUS;

export interface DonationErrorBody {
  detail: string;
  /** gcli2api's field name for the same text */
  error: string;
  code: DonationErrorCode;
  requires_manual_project_id: boolean;
  validation_url?: string;
}

export class DonationError extends Error {
  readonly status: number;

  constructor(
    readonly code: DonationErrorCode,
    message: string,
    readonly extra: { requiresProjectId?: boolean; validationUrl?: string } = {},
  ) {
    super(message);
    this.name = 'DonationError';
    this.status = DONATION_ERROR_STATUS[code];
  }

  toBody(): DonationErrorBody {
    return {
      detail: this.message,
      error: this.message,
      code: this.code,
      requires_manual_project_id: this.extra.requiresProjectId ?? false,
      ...(this.extra.validationUrl ? { validation_url: this.extra.validationUrl } : {}),
    };
  }

  static fromBody(body: DonationErrorBody): DonationError {
    return new DonationError(body.code, body.detail, {
      requiresProjectId: body.requires_manual_project_id,
      ...(body.validation_url ? { validationUrl: body.validation_url } : {}),
    });
  }
}

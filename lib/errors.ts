// Errors the domain raises, each with the HTTP status Glance answers with.
// Route handlers turn them into Glance-format responses (lib/http/respond.ts).

export class GlanceError extends Error {
  /** webob's `detail`: a second line under the explanation (escaped like it in HTML). */
  detail: string | null = null;

  constructor(
    readonly status: number,
    /** webob's `explanation`. */
    message: string,
    /** webob's body tail after the message; most errors end in "<br /><br />\n\n\n". */
    readonly tail = '<br /><br />\n\n\n',
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  /** webob's body text, with `escape` applied to the parts that came from the request or the server. */
  body(escape: (s: string) => string = (s) => s): string {
    if (this.detail === null) return escape(this.message) + this.tail;
    return `${escape(this.message)}<br /><br />\n${escape(this.detail)}\n\n`;
  }

  /** Glance's `raise HTTPForbidden(msg)` form: default explanation, msg as the detail. */
  static withDetail<E extends GlanceError>(err: E, detail: string): E {
    err.detail = detail;
    return err;
  }
}

export class BadRequest extends GlanceError {
  constructor(message: string) { super(400, message); }
}
export class Unauthorized extends GlanceError {
  constructor(
    message = 'This server could not verify that you are authorized to access the document you requested. Either you supplied the wrong credentials (e.g., bad password), or your browser does not understand how to supply the credentials required.',
    headers: Record<string, string> = {},
  ) { super(401, message, undefined, headers); }
}
export class Forbidden extends GlanceError {
  constructor(message = 'Access was denied to this resource.') { super(403, message); }
}
export class NotFound extends GlanceError {
  constructor(message = 'The resource could not be found.') { super(404, message); }
}
export class MethodNotAllowed extends GlanceError {
  constructor(method: string, allowed: string[]) {
    super(405, `The method ${method} is not allowed for this resource. `, '<br /><br />\n', { Allow: allowed.join(', ') });
  }
}
export class Conflict extends GlanceError {
  constructor(message = 'There was a conflict when trying to complete your request.') { super(409, message); }
}
export class RequestEntityTooLarge extends GlanceError {
  constructor(message: string) { super(413, message); }
}
export class UnsupportedMediaType extends GlanceError {
  constructor(mediaType: string) {
    super(415, `The request media type ${mediaType} is not supported by this server.`, '\n<br /><br />\n');
  }
}
export class RangeNotSatisfiable extends GlanceError {
  constructor(message = 'The Range header value is not satisfiable.') { super(416, message); }
}
export class ServiceUnavailable extends GlanceError {
  constructor(message: string) { super(503, message); }
}

export const STATUS_TITLES: Record<number, string> = {
  502: 'Bad Gateway',
  504: 'Gateway Time-out',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  410: 'Gone',
  413: 'Request Entity Too Large',
  415: 'Unsupported Media Type',
  416: 'Request Range Not Satisfiable',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

// Which operations of each vendor's OpenAPI description the simulators serve, and, in one place, every point where a
// description is wrong about (or silent on) its own API, with what is done about it. Exceptions only ever declare what
// the real API does; none turns a check off without saying why.
import {
  dig,
  trimmedSpec,
  type JsonObject,
  type SpecException,
  type SpecVendor,
  type TrimRecipe,
} from '../helpers/prism.js';

const json = (schema: JsonObject): JsonObject => ({ 'application/json': { schema } });

/** Adds query parameters an operation takes on the real API but the description leaves out. */
function addQuery(
  operation: JsonObject,
  parameters: { name: string; schema: JsonObject; description: string }[],
): void {
  const list = (operation.parameters ??= []) as JsonObject[];
  for (const p of parameters) {
    if (list.some((existing) => existing.name === p.name))
      throw new Error(`${p.name} is declared already: drop this exception`);
    list.push({ in: 'query', required: false, ...p });
  }
}

/** Declares error answers on an operation, failing if the description already declares one (then drop the exception). */
function declareErrors(operation: JsonObject, answers: Record<string, JsonObject>): void {
  const responses = dig(operation, 'responses');
  for (const [status, answer] of Object.entries(answers)) {
    if (responses[status] !== undefined) throw new Error(`${status} is declared already: drop this exception`);
    responses[status] = answer;
  }
}

const twilioError: JsonObject = {
  type: 'object',
  required: ['code', 'message', 'more_info', 'status'],
  properties: {
    code: { type: 'integer' },
    message: { type: 'string' },
    more_info: { type: 'string', format: 'uri' },
    status: { type: 'integer' },
  },
};
const muxError: JsonObject = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['type', 'messages'],
      properties: { type: { type: 'string' }, messages: { type: 'array', items: { type: 'string' } } },
    },
  },
};
const launchdarklyError: JsonObject = {
  type: 'object',
  required: ['code', 'message'],
  properties: { code: { type: 'string' }, message: { type: 'string' } },
};

const exceptions: Record<SpecVendor, SpecException[]> = {
  sendgrid: [],
  vercel: [
    {
      why:
        'GET /v5/user/tokens declares no query parameters, yet its answer\'s pagination.next is "the timestamp that must be used to ' +
        'request the next page": Vercel pages every list with limit, until and since (unix ms), as its other list operations here declare',
      apply(spec) {
        addQuery(dig(spec, 'paths', '/v5/user/tokens', 'get'), [
          { name: 'limit', schema: { type: 'number', minimum: 1, maximum: 100 }, description: 'tokens per page' },
          {
            name: 'until',
            schema: { type: 'number' },
            description: 'tokens created before this time (pagination.next)',
          },
          {
            name: 'since',
            schema: { type: 'number' },
            description: 'tokens created after this time (pagination.prev)',
          },
        ]);
      },
    },
  ],
  launchdarkly: [
    {
      why:
        "this description is of API v5.3 (Swagger 2.0, about 2021); today's GET /tokens pages with limit and offset and counts " +
        'the tokens in totalCount (launchdarkly-api-typescript 17: getTokens(showAll, limit, offset), Tokens.totalCount)',
      apply(spec) {
        addQuery(dig(spec, 'paths', '/api/v2/tokens', 'get'), [
          { name: 'limit', schema: { type: 'integer', minimum: 1 }, description: 'tokens per page (default 25)' },
          { name: 'offset', schema: { type: 'integer', minimum: 0 }, description: 'tokens to skip' },
        ]);
        dig(spec, 'components', 'schemas', 'Tokens', 'properties').totalCount = { type: 'integer' };
      },
    },
    {
      why:
        'its error answers have no body, and GET /tokens/{id} and POST /tokens/{id}/reset leave out the 404 the API answers for an ' +
        'unknown token: the current API answers every error as {code, message} (UnauthorizedErrorRep, NotFoundErrorRep, ...)',
      apply(spec) {
        for (const name of ['Standard400', 'Standard401', 'Standard403', 'Standard404']) {
          dig(spec, 'components', 'responses', name).content = json(launchdarklyError);
        }
        for (const path of ['/api/v2/tokens/{tokenId}', '/api/v2/tokens/{tokenId}/reset']) {
          const method = path.endsWith('reset') ? 'post' : 'get';
          declareErrors(dig(spec, 'paths', path, method), { 404: { $ref: '#/components/responses/Standard404' } });
        }
      },
    },
    {
      why:
        'GET /tokens declares only 200 and 401, yet showAll=true from a member who is not an admin is refused with 403, as the ' +
        'current API documents it (ForbiddenErrorRep): the answer a key that may not manage every token gets',
      apply(spec) {
        declareErrors(dig(spec, 'paths', '/api/v2/tokens', 'get'), {
          403: { $ref: '#/components/responses/Standard403' },
        });
      },
    },
  ],
  twilio: [
    {
      why:
        'the page links first_page_uri, next_page_uri, previous_page_uri and uri are declared format: uri (absolute), but the ' +
        'API sends them relative to its host, as its own helper library shows by prefixing them (absoluteUrl(next_page_uri))',
      apply(spec) {
        const list = dig(spec, 'paths', '/2010-04-01/Accounts/{AccountSid}/Keys.json', 'get');
        const page = dig(list, 'responses', '200', 'content', 'application/json', 'schema', 'properties');
        for (const link of ['first_page_uri', 'next_page_uri', 'previous_page_uri', 'uri']) {
          if (dig(page, link).format !== 'uri')
            throw new Error(`${link} is no longer format: uri: drop this exception`);
          delete dig(page, link).format;
        }
      },
    },
    {
      why:
        "only success answers are declared; the API answers errors with {code, message, more_info, status} (Twilio's RestException), " +
        '401 for bad credentials, 403 for a key asking for keys, 404 for an unknown SID, 400 for a bad parameter',
      apply(spec) {
        const error = (description: string): JsonObject => ({ description, content: json(twilioError) });
        const errors = {
          400: error('Bad request'),
          401: error('Unauthorized'),
          403: error('Forbidden'),
          404: error('Not found'),
        };
        for (const [path, methods] of Object.entries(twilioOperations)) {
          for (const method of methods) declareErrors(dig(spec, 'paths', path, method), errors);
        }
      },
    },
  ],
  mux: [
    {
      why:
        'only success answers are declared; the API answers errors with {error: {type, messages}} ' +
        '(401 unauthorized, 404 not_found, 400 invalid_parameters)',
      apply(spec) {
        const error = (description: string): JsonObject => ({ description, content: json(muxError) });
        const errors = { 400: error('Bad request'), 401: error('Unauthorized'), 404: error('Not found') };
        for (const [path, methods] of Object.entries(muxOperations)) {
          for (const method of methods) declareErrors(dig(spec, 'paths', path, method), errors);
        }
      },
    },
  ],
  'github-org': [
    {
      why:
        'the description declares no security at all (so Prism would check none); the API wants a GitHub App installation ' +
        'token as Authorization: Bearer on these operations, and answers 401 (requires_authentication) without one',
      apply(spec) {
        dig(spec, 'components').securitySchemes = { appInstallationToken: { type: 'http', scheme: 'bearer' } };
        for (const [path, methods] of Object.entries(githubOperations)) {
          for (const method of methods) {
            const operation = dig(spec, 'paths', path, method);
            operation.security = [{ appInstallationToken: [] }];
            declareErrors(operation, { 401: { $ref: '#/components/responses/requires_authentication' } });
          }
        }
      },
    },
    {
      why:
        'GET /orgs/{org}/repos declares only its 200; the API answers 403 (basic-error) when a token has lost access to ' +
        'the organization, and 404 for an unknown one',
      apply(spec) {
        declareErrors(dig(spec, 'paths', '/orgs/{org}/repos', 'get'), {
          403: { $ref: '#/components/responses/forbidden' },
          404: { $ref: '#/components/responses/not_found' },
        });
      },
    },
  ],
};

const twilioOperations: TrimRecipe['operations'] = {
  '/2010-04-01/Accounts/{AccountSid}/Keys.json': ['get', 'post'],
  '/2010-04-01/Accounts/{AccountSid}/Keys/{Sid}.json': ['get', 'post', 'delete'],
  '/2010-04-01/Accounts/{AccountSid}/Balance.json': ['get'],
};
const muxOperations: TrimRecipe['operations'] = {
  '/system/v1/signing-keys': ['get', 'post'],
  '/system/v1/signing-keys/{SIGNING_KEY_ID}': ['get', 'delete'],
};
const githubOperations: TrimRecipe['operations'] = {
  '/orgs/{org}/personal-access-tokens': ['get', 'post'],
  '/orgs/{org}/personal-access-tokens/{pat_id}': ['post'],
  '/orgs/{org}/repos': ['get'],
};

/** The key operations of each vendor's description, and each one's usage endpoint (see the simulators' doc comments). */
const recipes: Record<SpecVendor, Omit<TrimRecipe, 'exceptions'>> = {
  sendgrid: {
    operations: { '/api_keys': ['get', 'post'], '/api_keys/{api_key_id}': ['get', 'delete'], '/scopes': ['get'] },
    inlineBasePath: true,
  },
  vercel: {
    operations: {
      '/v5/user/tokens': ['get'],
      '/v5/user/tokens/{tokenId}': ['get'],
      '/v3/user/tokens': ['post'],
      '/v3/user/tokens/{tokenId}': ['delete'],
    },
  },
  launchdarkly: {
    operations: {
      '/': ['get'],
      '/tokens': ['get', 'post'],
      '/tokens/{tokenId}': ['get', 'delete'],
      '/tokens/{tokenId}/reset': ['post'],
    },
    inlineBasePath: true,
  },
  twilio: { operations: twilioOperations },
  mux: { operations: muxOperations },
  'github-org': { operations: githubOperations },
};

/** The trimmed description Prism is started with for a vendor, exceptions applied. */
export function prismSpec(vendor: SpecVendor): Promise<string> {
  return trimmedSpec(vendor, { ...recipes[vendor], exceptions: exceptions[vendor] });
}

/** Every exception, for a reader (or a test) to see at a glance. */
export function specExceptions(): Record<SpecVendor, string[]> {
  return Object.fromEntries(
    Object.entries(exceptions).map(([vendor, list]) => [vendor, list.map((e) => e.why)]),
  ) as Record<SpecVendor, string[]>;
}

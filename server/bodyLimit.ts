// The request body limit, in place of yoga's own (`maxRequestBodySize`, switched off). Yoga's
// pipes every body through a counting stream: about 100 µs of CPU per request, as much as the
// rest of a "hello" request (issue 16). The API is served by Node's HTTP server, whose parser
// frames a body by its Content-Length and never hands over more bytes than that header says
// (and refuses a request that also says Transfer-Encoding), so a declared length is checked
// against the limit and nothing more. Only a body without one (chunked) is counted as it is
// read, and refused once it passes the limit.
import { createGraphQLError, type Plugin } from 'graphql-yoga';

const tooLarge = () =>
  createGraphQLError('Request body too large', { extensions: { http: { status: 413 }, code: 'REQUEST_ENTITY_TOO_LARGE' } });

/** Refuses (413) a request body of more than `limit` bytes before it is parsed. */
export function useRequestBodyLimit(limit: number): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      const declared = request.headers.get('content-length');
      if (declared !== null) {
        // Node's parser has already refused a malformed Content-Length (400).
        if (Number(declared) > limit) throw tooLarge();
        return;
      }
      if (!requestParser || !request.body) return;
      setRequestParser(async (chunked) => requestParser(new fetchAPI.Request(chunked.url, { method: chunked.method, headers: chunked.headers, body: await readAtMost(chunked, limit) })));
    },
  };
}

/** The body of `request`, read to its end; refused as soon as it passes `limit` bytes. */
async function readAtMost(request: Request, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  const reader = request.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.byteLength;
    if (length > limit) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  const body = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.byteLength;
  }
  return body;
}

// Replays a list of calls with the official node-mailjet client, unchanged, and prints one JSON line per call.
// Input (stdin): {"host": "127.0.0.1:PORT", "key": "...", "secret": "...", "calls": [
//   {"verb": "get"|"post"|"put"|"delete", "resource": "contact", "version": "v3", "id": 1,
//    "action": "managecontactslists", "actionId": 5, "data": {...}, "params": {...}}, ...]}
// Output: {"ok": true, "status", "statusText", "body"} or {"ok": false, "statusCode", "statusText",
//   "ErrorMessage", "ErrorInfo", "ErrorIdentifier", "message"} per call. node-mailjet builds https:// URLs:
// the emulator runs with TLS and NODE_EXTRA_CA_CERTS names its CA.
"use strict";
const Mailjet = require("node-mailjet");

async function main() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const input = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  const client = Mailjet.apiConnect(input.key, input.secret, { config: { host: input.host } });
  for (const call of input.calls) {
    let request = client[call.verb](call.resource, { version: call.version || "v3" });
    if (call.id !== undefined) request = request.id(call.id);
    if (call.action !== undefined) request = request.action(call.action);
    if (call.actionId !== undefined) request = request.id(call.actionId);
    try {
      const result = await request.request(call.data || {}, call.params || {});
      const { status, statusText } = result.response;
      process.stdout.write(JSON.stringify({ ok: true, status, statusText, body: result.body }) + "\n");
    } catch (error) {
      const { statusCode, statusText, ErrorMessage, ErrorInfo, ErrorIdentifier, message } = error;
      const body = error.response ? error.response.data : null;
      process.stdout.write(JSON.stringify({
        ok: false, statusCode, statusText, ErrorMessage, ErrorInfo, ErrorIdentifier, message, body,
      }) + "\n");
    }
  }
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack ? error.stack : error) + "\n");
  process.exit(1);
});

/**
 * PrepareMessage (state CloseTicket) of seed 000: builds the SNS message for the operations
 * team, `{statusCode: 200, message}` where `message` is the JSON text of
 * `{default, email, subject}` that the next state publishes with MessageStructure=json.
 * Unlike upstream (string concatenation) the text is proper JSON, so any resource id is safe.
 * No I/O: the ticket itself was resolved by ResolveIncident.
 */
export async function handler(state) {
  const { resourceId, resourceType } = state.EvaluateRequestOutput.body;
  const ticket = state.TicketCreationResponse.ticketNumber;
  const text = `Incident ${ticket} for ${resourceType} ${resourceId} was remediated and resolved automatically: SSH (port 22) is no longer open to the internet.`;
  return {
    statusCode: 200,
    message: JSON.stringify({
      default: text,
      email: `Hello operations team,\n\n${text}\n\nIncident: ${ticket}\nResource: ${resourceId} (${resourceType})\n`,
      // Upstream puts a subject here too; SNS reads only protocol keys, so it is informative.
      subject: `Remediated ${resourceId}`,
    }),
  };
}

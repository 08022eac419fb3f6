using Microsoft.EntityFrameworkCore;
using Truceline.Access;
using Truceline.Common;
using Truceline.Data;

namespace Truceline.Incidents;

/// <summary>
/// The right of reply: the liaison of a party the incident names files the party's answer. It is confidential to
/// that party and to the coordination centre, the verifiers and administrators; other parties do not read it.
/// </summary>
public static class FileReply
{
    public sealed record Request(string? Text);

    public static Task<Outcome<Reply>> RunAsync(TrucelineDb db, Guid incidentId, Request request, TimeProvider time, CancellationToken ct = default) =>
        Writes.InTransactionAsync(db, async () =>
        {
            if (string.IsNullOrWhiteSpace(request.Text) || request.Text.Length > 10_000)
            {
                return Failure.Invalid("text", "is required (at most 10000 characters): the party's answer");
            }
            if (db.Viewer is not { UserId: { } userId, PartyCode: { } party })
            {
                return new Failure(FailureKind.Forbidden, "Forbidden", "Only a party's liaison office files a reply, for its own party.");
            }
            var incident = await db.Incidents.AsNoTracking().FirstOrDefaultAsync(i => i.Id == incidentId, ct);
            if (incident is null)
            {
                return Failure.NotFound($"There is no incident {incidentId} that you may see.");
            }
            if (!incident.AllegedParties.Contains(party, StringComparer.OrdinalIgnoreCase))
            {
                return new Failure(FailureKind.Forbidden, "Forbidden", $"The incident does not name {party}; only a party it names may reply.");
            }
            var reply = new Reply
            {
                IncidentId = incidentId,
                PartyCode = party,
                AuthorUserId = userId,
                Text = request.Text.Trim(),
                CreatedAt = time.GetUtcNow().UtcDateTime,
                Classification = Classification.Confidential,
                OwnerOrganisationId = db.Viewer.OrganisationId,
                ConfidentialTo = RoleNames.PartyToken(party) + RoleNames.ConfidentialToken(Role.Coordinator) + RoleNames.ConfidentialToken(Role.Verifier),
            };
            db.Replies.Add(reply);
            await db.SaveChangesAsync(ct);
            return new Outcome<Reply>(reply, null);
        }, ct);
}

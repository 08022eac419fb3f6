using System.Linq.Expressions;
using Truceline.Data;

namespace Truceline.Access;

/// <summary>
/// The one rule for who may read a classified record. It is an expression so EF Core applies it
/// as a query filter on every classified entity (see <see cref="TrucelineDb"/>), not an `if` in handlers.
/// </summary>
public static class Visibility
{
    public static Expression<Func<T, bool>> Filter<T>(TrucelineDb db)
        where T : class, IClassified =>
        e => db.ViewerSeesAll
            || e.Classification == Classification.Public
            || (e.Classification == Classification.Restricted && db.ViewerParticipates)
            || (e.Classification == Classification.Confidential
                && ((db.ViewerOrganisationId != null && e.OwnerOrganisationId == db.ViewerOrganisationId)
                    || (e.ConfidentialTo != null
                        && (e.ConfidentialTo.Contains(db.ViewerOrganisationToken) || e.ConfidentialTo.Contains(db.ViewerRoleToken)
                            || e.ConfidentialTo.Contains(db.ViewerPartyToken) || e.ConfidentialTo.Contains(db.ViewerRoleAtOrganisationToken)))));

    /// <summary>Both conditions, as one filter expression (EF Core allows one query filter per entity).</summary>
    public static Expression<Func<T, bool>> And<T>(this Expression<Func<T, bool>> first, Expression<Func<T, bool>> second)
    {
        var parameter = first.Parameters[0];
        var body = new Rebind(second.Parameters[0], parameter).Visit(second.Body);
        return Expression.Lambda<Func<T, bool>>(Expression.AndAlso(first.Body, body), parameter);
    }

    private sealed class Rebind(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : node;
    }

    /// <summary>The same rule in memory, for a record already loaded (for example to decide what to publish).</summary>
    public static bool MayRead(Viewer viewer, IClassified record) =>
        viewer.SeesAll
        || record.Classification == Classification.Public
        || (record.Classification == Classification.Restricted && viewer.OrganisationParticipates)
        || (record.Classification == Classification.Confidential
            && viewer.OrganisationId is { } org
            && (record.OwnerOrganisationId == org
                || (record.ConfidentialTo?.Contains(RoleNames.ConfidentialToken(org), StringComparison.Ordinal) ?? false)
                || (viewer.Role is { } role && (record.ConfidentialTo?.Contains(RoleNames.ConfidentialToken(role), StringComparison.Ordinal) ?? false))
                || (viewer.PartyCode is { } party && (record.ConfidentialTo?.Contains(RoleNames.PartyToken(party), StringComparison.Ordinal) ?? false))
                || (viewer.Role is { } r && (record.ConfidentialTo?.Contains(RoleNames.RoleAtOrganisationToken(r, org), StringComparison.Ordinal) ?? false))));
}

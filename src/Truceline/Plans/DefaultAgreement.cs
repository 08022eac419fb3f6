using Microsoft.EntityFrameworkCore;
using Truceline.Data;

namespace Truceline.Plans;

/// <summary>
/// The agreement incidents and consignments attach to: for now the earliest created (choosing by date is still to come).
/// Read past the viewer's filter, so every writer attaches to the same agreement whatever it may read.
/// </summary>
public static class DefaultAgreement
{
    public static Task<Guid?> IdAsync(TrucelineDb db, CancellationToken ct) =>
        db.Agreements.IgnoreQueryFilters().OrderBy(a => a.CreatedAt).ThenBy(a => a.Id).Select(a => (Guid?)a.Id).FirstOrDefaultAsync(ct);
}

using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;
using Truceline.Access;
using Truceline.Data;

namespace Truceline.Web.Access;

/// <summary>
/// Stores the data-protection key ring in the database instead of the user profile, so a second node on the
/// same PostgreSQL accepts the first node's sign-in cookies and antiforgery tokens.
/// </summary>
public sealed class DatabaseKeyRing(DatabaseTarget database, TimeProvider time) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var db = Open();
        return db.DataProtectionKeys.AsNoTracking().OrderBy(k => k.CreatedAt).Select(k => k.Xml).ToList().Select(XElement.Parse).ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var db = Open();
        db.DataProtectionKeys.Add(new DataProtectionKey
        {
            Name = friendlyName,
            Xml = element.ToString(SaveOptions.DisableFormatting),
            CreatedAt = time.GetUtcNow().UtcDateTime,
        });
        db.SaveChanges();
    }

    private TrucelineDb Open()
    {
        var db = database.CreateContext(time);
        db.Viewer = Viewer.System("data-protection");
        return db;
    }
}

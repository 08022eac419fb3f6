using Truceline.Access;

namespace Truceline.Incidents;

public enum Channel
{
    Api,
    Web,
    Sms,
    OpenRosa,
    Import,
}

public enum SourceType
{
    MonitorPatrol,
    PartyLiaison,
    Civilian,
    Media,
    Sensor,
}

/// <summary>
/// One report of a possible ceasefire incident, from any channel. Classified on arrival against the zones and
/// lines in force on its date. An SMS arrives as raw text and is structured later by a coordinator.
/// </summary>
public sealed class Report : IClassified, Audit.IAuditActor
{
    /// <summary>Who submitted it, for the audit trail (the intake writer stores it on the submitter's behalf).</summary>
    [System.ComponentModel.DataAnnotations.Schema.NotMapped]
    public string? SubmittedByName { get; set; }

    string? Audit.IAuditActor.AuditActor => SubmittedByName;

    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Channel Channel { get; set; }

    /// <summary>The sender's own id (API client id, SMS message id, OpenRosa instanceID): a retry with it is the same report.</summary>
    public string? ClientId { get; set; }

    public DateTime ReceivedAt { get; set; }

    public Guid? SubmittedByUserId { get; set; }

    public Guid? SubmittedByOrganisationId { get; set; }

    public SourceType SourceType { get; set; }

    /// <summary>Who the source is (name, phone): encrypted with <see cref="PersonalData"/>, shown only to roles that may.</summary>
    [Audit.NotAudited]
    public string? SourceIdentity { get; set; }

    /// <summary>A keyed hash of <see cref="SourceIdentity"/>, so reports from one source are recognised as one without decrypting.</summary>
    [Audit.NotAudited]
    public string? SourceFingerprint { get; set; }

    /// <summary>Where the report comes from, not who: a publication, a patrol sheet, a sensor feed.</summary>
    public string? Source { get; set; }

    public bool Structured { get; set; }

    public DateOnly? OccurredOn { get; set; }

    /// <summary>UTC, when the time of day is known.</summary>
    public DateTime? OccurredAt { get; set; }

    /// <summary>ACLED time precision: 1 the day is known, 2 the week, 3 only the month.</summary>
    public int TimePrecision { get; set; } = 1;

    public double? Latitude { get; set; }

    public double? Longitude { get; set; }

    /// <summary>ACLED geo-precision: 1 exact location, 2 near a named place, 3 only the region (governorate).</summary>
    public int GeoPrecision { get; set; } = 1;

    public string? PlaceName { get; set; }

    public string? EventType { get; set; }

    public string? SubEventType { get; set; }

    public string? Description { get; set; }

    /// <summary>Party codes (or names) the report alleges responsible.</summary>
    public List<string> AllegedParties { get; set; } = [];

    public int? Fatalities { get; set; }

    /// <summary>The text as it arrived (an SMS body), kept unchanged.</summary>
    public string? RawText { get; set; }

    public string? GovernorateCode { get; set; }

    /// <summary>The whole classification against zones and lines, as JSON (see PlaceClassification).</summary>
    public string? Place { get; set; }

    public Guid? IncidentId { get; set; }

    /// <summary>The agreement the sender said the report concerns; when null, grouping takes the one in force on its day.</summary>
    public Guid? AgreementId { get; set; }

    public Classification Classification { get; set; } = Classification.Restricted;

    public Guid? OwnerOrganisationId { get; set; }

    public string? ConfidentialTo { get; set; }
}

using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Truceline.Access;

namespace Truceline.Plans.Files;

// The plan file format, truceline-plan/1 (docs/plan-file-format.md). Property order here is the order in the file.

public sealed record PlanFile(string? Format, AgreementFile? Agreement)
{
    public const string FormatName = "truceline-plan/1";

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
        IndentSize = 2,
        // Quotes keep their typographic characters (“ ” ’) as they appear in the sources, unescaped.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        MaxDepth = 16,
    };

    public string Serialize() => JsonSerializer.Serialize(this, Json) + "\n";
}

public sealed record AgreementFile(
    string? Code,
    string? Title,
    string? Description,
    bool Simulated,
    string? SimulatedNote,
    Classification? Classification,
    List<string>? ConfidentialTo,
    List<PartyFile>? Parties,
    List<SourceFile>? Sources,
    List<PhaseFile>? Phases);

public sealed record PartyFile(string? Code, string? Name, List<string>? Aliases = null);

public sealed record SourceFile(string? Ref, string? Title, string? Publisher, DateOnly? Published, string? Url);

public sealed record PhaseFile(string? Code, string? Title, int Order, DateOnly? StartsOn, DateOnly? EndsOn, List<ProvisionFile>? Provisions);

public sealed record QuoteFile(string? Ref, string? Quote);

public sealed record ProvisionFile(
    string? Code,
    string? Title,
    string? Text,
    QuoteFile? Source,
    List<string>? Obliges,
    List<string>? Responsible,
    Classification? Classification,
    List<string>? ConfidentialTo,
    DateOnly? Deadline,
    int? DurationDays,
    int Status,
    List<StatusHistoryFile>? StatusHistory,
    List<AmendmentFile>? DeadlineAmendments,
    List<MetricFile>? Metrics,
    List<DependencyFile>? DependsOn);

public sealed record StatusHistoryFile(int Status, DateOnly? On, string? Evidence, string? Source);

public sealed record AmendmentFile(DateOnly? From, DateOnly? To, DateOnly? On, string? Reason);

public sealed record MetricFile(
    string? Code,
    string? Name,
    string? Unit,
    double? Target,
    MetricDirection Direction,
    string? Source,
    string? Feed,
    Classification? Classification,
    List<string>? ConfidentialTo,
    List<ObservationFile>? Observations);

public sealed record ObservationFile(DateOnly? On, double Value, string? Source, VerificationState Verification);

public sealed record DependencyFile(string? Provision, int? RequiredStatus, string? Metric, double? Threshold, string? Note, QuoteFile? Source);

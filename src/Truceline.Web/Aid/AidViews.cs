using Truceline.Aid;

namespace Truceline.Web.Aid;

// What the API returns and the pages show. Figures say whether they include simulated records.
public sealed record LineView(string Category, string Description, double? Quantity, string? Unit, double? Pallets, double? Tonnes);

public sealed record EventView(Guid Id, string? From, string Stage, DateTime At, string RecordedBy, DateTime RecordedAt, string? Reason, double? HoursInPrevious);

public sealed record ConsignmentView(Guid Id, string Reference, string Organisation, string Crossing, bool CrossingOnMap, string? DestinationGovernorate,
    string? Recipient, string? Donor, string Category, double Trucks, double? Tonnes, double? Pallets, string Stage, DateTime StageAt, string? Reason,
    IReadOnlyList<string> Next, bool Simulated, bool Imported, string Classification, DateTime CreatedAt, string CreatedBy, IReadOnlyList<LineView> Lines);

public sealed record ConsignmentDetail(ConsignmentView Consignment, IReadOnlyList<EventView> History);

public sealed record ConsignmentPage(IReadOnlyList<ConsignmentView> Items, string? Next);

public sealed record PeriodTotal(string Period, DateOnly From, DateOnly To, double Trucks, double Tonnes, long Consignments, double TrucksPerDay);

public sealed record Breakdown(string Key, double Trucks, double Tonnes, long Consignments);

public sealed record AidFiguresView(
    DateOnly From, DateOnly To, bool Simulated, AidFigures.Target? Target, double TrucksPerDay,
    IReadOnlyList<PeriodTotal> Daily, IReadOnlyList<PeriodTotal> Weekly, IReadOnlyList<Breakdown> ByCrossing, IReadOnlyList<Breakdown> ByCategory,
    IReadOnlyList<FunnelStepView> Funnel, IReadOnlyList<StageTimeView> StageTimes, AidFigures.Distributions Distributions,
    IReadOnlyList<ImpedimentView> Impediments, string EquityIndexDefinition);

public sealed record FunnelStepView(string Stage, long Consignments, double Trucks, IReadOnlyDictionary<string, long> LostAfter);

public sealed record StageTimeView(string Stage, long Consignments, double? MedianHours, double? P90Hours);

public sealed record ImpedimentView(string Kind, string Reason, long Count);

public sealed record MonthView(int Year, int Month, double Trucks);

public static class AidViews
{
    public const string EquityIndexDefinition =
        "Equity index = 1 − ½ × Σ |governorate's share of tonnes distributed − its share of people in need|, over all governorates. "
        + "1 means every governorate received exactly its share of the need; 0 means everything went where no one was in need.";

    public static ConsignmentView View(Consignment c) => new(c.Id, c.Reference, c.OrganisationName, c.Crossing, c.CrossingZoneId is not null,
        c.DestinationGovernorate, c.Recipient, c.Donor, c.Category.Slug(), c.Trucks, c.Tonnes, c.Pallets, c.Stage.Slug(), c.StageAt, c.Reason,
        Stages.Next(c.Stage).Select(s => s.Slug()).ToList(), c.Simulated, c.ImportId is not null, c.Classification.ToString().ToLowerInvariant(),
        c.CreatedAt, c.CreatedBy,
        c.Lines.OrderBy(l => l.Ordinal).Select(l => new LineView(l.Category.Slug(), l.Description, l.Quantity, l.Unit, l.Pallets, l.Tonnes)).ToList());

    public static EventView View(ConsignmentEvent e) => new(e.Id, e.FromStage?.Slug(), e.Stage.Slug(), e.At, e.RecordedBy, e.RecordedAt, e.Reason,
        e.SecondsInPrevious is { } s ? Math.Round(s / 3600.0, 2) : null);
}

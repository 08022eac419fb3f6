using System.Globalization;

namespace Truceline.Aid;

/// <summary>The CSV layouts <see cref="ImportConsignments"/> reads, each turning one row into a consignment and its events.</summary>
internal static class ConsignmentCsv
{
    public sealed record Context(Guid OrganisationId, Guid ImportId, Guid? AgreementId, string Actor, DateTime Now, bool Simulated,
        Func<string, AidLookups.Crossing?> Crossing, IReadOnlySet<string> Governorates);

    public abstract record Layout(string Name, string ReferenceColumn)
    {
        public abstract ImportConsignments.Row? Parse(Func<string, string?> field, long line, Context context, Action<string, string> error);
    }

    public static Layout? Choose(IEnumerable<string> columns)
    {
        var set = columns.ToHashSet(StringComparer.Ordinal);
        if (set.IsSupersetOf(["id", "no. of trucks", "received date", "crossing", "cargo category"]))
        {
            return new Unrwa();
        }
        if (set.IsSupersetOf(["reference", "crossing", "trucks", "category"]))
        {
            return new Own();
        }
        return null;
    }

    /// <summary>UNRWA's "Gaza Supplies and Dispatch Tracking" as published: every row is a truck received in Gaza.</summary>
    private sealed record Unrwa() : Layout("unrwa-supplies", "id")
    {
        public override ImportConsignments.Row? Parse(Func<string, string?> field, long line, Context context, Action<string, string> error)
        {
            var reference = Required(field, "id", 100, error);
            var trucks = Number(field, "no. of trucks", 1_000, error, required: true);
            var received = Date(field, "received date", context.Now, error, required: true);
            var crossing = Required(field, "crossing", 100, error);
            var categoryText = Required(field, "cargo category", 100, error);
            var status = field("status");
            if (status is not null && !string.Equals(status, "Received", StringComparison.OrdinalIgnoreCase))
            {
                error("status", $"'{Clip(status)}' is not a status this layout knows (only 'Received')");
            }
            var category = categoryText is null ? CommodityCategory.Other : categoryText.ToLowerInvariant() switch
            {
                "food items" => CommodityCategory.Food,
                "non-food items" => CommodityCategory.NonFood,
                "mixed items" => CommodityCategory.Mixed,
                "medical supplies" => CommodityCategory.Medical,
                "water" => CommodityCategory.Water,
                "shelter items" or "shelter" => CommodityCategory.Shelter,
                "fuel" => CommodityCategory.Fuel,
                "hygiene items" or "hygiene" => CommodityCategory.Hygiene,
                _ => CommodityCategory.Other,
            };
            var quantity = Number(field, "quantity", 10_000_000, error, required: false);
            var unit = Optional(field, "units", 50, error);
            if (reference is null || trucks is null || received is null || crossing is null)
            {
                return null;
            }
            var isTonnes = unit is not null && (unit.Equals("MT", StringComparison.OrdinalIgnoreCase) || unit.Equals("Ton", StringComparison.OrdinalIgnoreCase));
            var isPallets = unit is not null && unit.Equals("Pallets", StringComparison.OrdinalIgnoreCase);
            var at = received.Value;
            return Build(context, reference, Optional(field, "data source", 200, error) ?? "unknown", crossing, null,
                Optional(field, "destination recipient/ partner", 200, error), Optional(field, "donating country/ organization", 200, error),
                category, Optional(field, "description of cargo", 500, error) ?? categoryText ?? "", quantity, unit,
                isPallets ? quantity : null, isTonnes ? quantity : null, trucks.Value,
                [(ConsignmentStage.Offloaded, at)], reason: null);
        }
    }

    /// <summary>Truceline's own columns, the same as its export: a time for each stage the consignment reached.</summary>
    private sealed record Own() : Layout("truceline", "reference")
    {
        public override ImportConsignments.Row? Parse(Func<string, string?> field, long line, Context context, Action<string, string> error)
        {
            var reference = Required(field, "reference", 100, error);
            var crossing = Required(field, "crossing", 100, error);
            var trucks = Number(field, "trucks", 10_000, error, required: true);
            if (trucks is <= 0)
            {
                error("trucks", "must be more than 0");
            }
            var categoryText = Required(field, "category", 50, error);
            var category = CommodityCategory.Other;
            if (categoryText is not null && !Stages.TryParseCategory(categoryText, out category))
            {
                error("category", $"'{Clip(categoryText)}' is not one of food, water, medical, shelter, fuel, hygiene, non-food, mixed, other");
            }
            var destination = Optional(field, "destination_governorate", 100, error);
            if (destination is not null && !context.Governorates.Contains(destination))
            {
                error("destination_governorate", $"'{Clip(destination)}' is not a governorate code");
            }
            var stages = new List<(ConsignmentStage, DateTime)>();
            foreach (var stage in Enum.GetValues<ConsignmentStage>())
            {
                if (Date(field, stage.CsvColumn(), context.Now, error, required: false) is { } at)
                {
                    stages.Add((stage, at));
                }
            }
            if (stages.Count == 0)
            {
                error("requested_at", "at least one stage time is required (requested_at, cleared_at, …)");
            }
            var reason = Optional(field, "reason", 2000, error);
            var quantity = Number(field, "quantity", 10_000_000, error, required: false);
            var pallets = Number(field, "pallets", 1_000_000, error, required: false);
            var tonnes = Number(field, "tonnes", 1_000_000, error, required: false);
            if (reference is null || crossing is null || trucks is not > 0 || stages.Count == 0)
            {
                return null;
            }
            return Build(context, reference, Optional(field, "organisation", 200, error) ?? context.Actor, crossing, destination,
                Optional(field, "recipient", 200, error), Optional(field, "donor", 200, error), category,
                Optional(field, "description", 500, error) ?? category.Slug(), quantity, Optional(field, "unit", 50, error), pallets, tonnes, trucks.Value,
                stages, reason, error);
        }
    }

    private static ImportConsignments.Row? Build(Context context, string reference, string organisation, string crossingText, string? destination,
        string? recipient, string? donor, CommodityCategory category, string description, double? quantity, string? unit, double? pallets, double? tonnes,
        double trucks, List<(ConsignmentStage Stage, DateTime At)> stages, string? reason, Action<string, string>? error = null)
    {
        // Order the stages reached along the machine; a row must describe a path the machine allows, forward in time.
        stages.Sort((a, b) => a.At != b.At ? a.At.CompareTo(b.At) : Order(a.Stage).CompareTo(Order(b.Stage)));
        for (var i = 1; i < stages.Count; i++)
        {
            if (!Stages.Next(stages[i - 1].Stage).Contains(stages[i].Stage))
            {
                error?.Invoke(stages[i].Stage.CsvColumn(),
                    $"a consignment cannot go from {stages[i - 1].Stage.Slug()} to {stages[i].Stage.Slug()} (check the order of the stage times)");
                return null;
            }
        }
        var last = stages[^1];
        if (Stages.NeedsReason(last.Stage) && reason is null)
        {
            error?.Invoke("reason", $"is required when a consignment was {last.Stage.Slug()}");
            return null;
        }
        var crossing = context.Crossing(crossingText);
        var c = new Consignment
        {
            Reference = reference, OrganisationName = organisation, Crossing = crossing?.Code ?? crossingText, CrossingZoneId = crossing?.Id,
            DestinationGovernorate = destination, Recipient = recipient, Donor = donor, Category = category, Trucks = trucks, Tonnes = tonnes, Pallets = pallets,
            Stage = last.Stage, StageAt = last.At, Reason = Stages.NeedsReason(last.Stage) ? reason : null, CreatedAt = context.Now, CreatedBy = context.Actor,
            ImportId = context.ImportId, Simulated = context.Simulated, AgreementId = context.AgreementId,
            OwnerOrganisationId = context.OrganisationId, ConfidentialTo = RegisterConsignment.Confidentiality,
        };
        var line = new ConsignmentLine
        {
            ConsignmentId = c.Id, Category = category, Description = description, Quantity = quantity, Unit = unit, Pallets = pallets, Tonnes = tonnes,
            OwnerOrganisationId = c.OwnerOrganisationId, ConfidentialTo = c.ConfidentialTo,
        };
        var events = new List<ConsignmentEvent>(stages.Count);
        for (var i = 0; i < stages.Count; i++)
        {
            var (stage, at) = stages[i];
            events.Add(new ConsignmentEvent
            {
                ConsignmentId = c.Id, FromStage = i == 0 ? null : stages[i - 1].Stage, Stage = stage, At = at, RecordedAt = context.Now, RecordedBy = context.Actor,
                Reason = i == stages.Count - 1 && Stages.NeedsReason(stage) ? reason : null,
                SecondsInPrevious = i == 0 ? null : (long)(at - stages[i - 1].At).TotalSeconds,
                OwnerOrganisationId = c.OwnerOrganisationId, ConfidentialTo = c.ConfidentialTo,
            });
        }
        return new ImportConsignments.Row(c, line, events);
    }

    // Along the path in its order; an ending off the path (denied, lost, …) sorts after any stage at the same time.
    private static int Order(ConsignmentStage stage) => Stages.Path.Contains(stage) ? Stages.Path.TakeWhile(s => s != stage).Count() : int.MaxValue;

    private static string? Required(Func<string, string?> field, string name, int max, Action<string, string> error)
    {
        var value = field(name);
        if (value is null)
        {
            error(name, "is required");
            return null;
        }
        return Checked(value, name, max, error);
    }

    private static string? Optional(Func<string, string?> field, string name, int max, Action<string, string> error) =>
        field(name) is { } value ? Checked(value, name, max, error) : null;

    private static string? Checked(string value, string name, int max, Action<string, string> error)
    {
        if (value.Length > max)
        {
            error(name, $"is longer than {max} characters");
            return null;
        }
        if (value.Any(ch => char.IsControl(ch) && ch is not '\n' and not '\r' and not '\t'))
        {
            error(name, "contains control characters");
            return null;
        }
        return value;
    }

    private static double? Number(Func<string, string?> field, string name, double max, Action<string, string> error, bool required)
    {
        var text = field(name);
        if (text is null)
        {
            if (required)
            {
                error(name, "is required");
            }
            return null;
        }
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) || !double.IsFinite(n))
        {
            error(name, $"'{Clip(text)}' is not a number");
            return null;
        }
        if (n < 0 || n > max)
        {
            error(name, $"{Clip(text)} is out of range (0 to {max:N0})");
            return null;
        }
        return n;
    }

    private static readonly string[] DateFormats = ["yyyy-MM-dd", "yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-ddTHH:mm:ssZ", "yyyy-MM-ddTHH:mm:ssK", "yyyy-MM-ddTHH:mm:ss.FFFFFFFK", "yyyy-MM-dd HH:mm:ss"];

    private static DateTime? Date(Func<string, string?> field, string name, DateTime now, Action<string, string> error, bool required)
    {
        var text = field(name);
        if (text is null)
        {
            if (required)
            {
                error(name, "is required");
            }
            return null;
        }
        if (!DateTime.TryParseExact(text, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at))
        {
            error(name, $"'{Clip(text)}' is not a date (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)");
            return null;
        }
        if (at > now.AddMinutes(5))
        {
            error(name, $"{text} is in the future");
            return null;
        }
        if (at.Year < 2000)
        {
            error(name, $"{text} is before 2000");
            return null;
        }
        return DateTime.SpecifyKind(at, DateTimeKind.Utc);
    }

    private static string Clip(string text) => text.Length <= 30 ? text : text[..30] + "…";
}

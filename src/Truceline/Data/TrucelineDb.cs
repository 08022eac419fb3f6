using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage;
using Truceline.Access;
using Truceline.Audit;
using Truceline.Plans;

namespace Truceline.Data;

public sealed class TrucelineDb(DbContextOptions<TrucelineDb> options) : DbContext(options)
{
    /// <summary>Who this context reads for. Every classified entity is filtered by <see cref="Visibility"/> for this viewer.</summary>
    public Viewer Viewer { get; set; } = Viewer.Anonymous;

    internal IDbContextTransaction? OwnedAuditTransaction { get; set; }

    /// <summary>The connection string of the <see cref="DatabaseTarget"/> that made this context (to tell databases apart in one process).</summary>
    public string? Target { get; private set; }

    /// <summary>Made ready for a new user, fresh or from the pool (<see cref="DatabaseTarget.CreateContext"/>): nobody's reader,
    /// no transaction of its own, nothing to announce.</summary>
    // A transaction the audit interceptor began and never ended (an exception EF Core reports to no interceptor) is
    // ended with the context, so the writers' gate it holds is let go when the context goes back to the pool.
    public override void Dispose()
    {
        OwnedAuditTransaction?.Dispose();
        OwnedAuditTransaction = null;
        base.Dispose();
    }

    public override async ValueTask DisposeAsync()
    {
        if (OwnedAuditTransaction is { } tx)
        {
            OwnedAuditTransaction = null;
            await tx.DisposeAsync();
        }
        await base.DisposeAsync();
    }

    internal TrucelineDb Rent(string target)
    {
        Target = target;
        Viewer = Viewer.Anonymous;
        OwnedAuditTransaction = null;
        ChangedPublishedLog = false;
        ChangedAccess = false;
        return this;
    }

    /// <summary>Set when this transaction appended to the transparency log or signed a checkpoint; announced on commit.</summary>
    internal bool ChangedPublishedLog { get; set; }

    /// <summary>Set when this transaction saved a user, organisation or token (<see cref="AccessChanges"/>); announced on commit.</summary>
    internal bool ChangedAccess { get; set; }

    public bool IsPostgres => Database.ProviderName == "Npgsql.EntityFrameworkCore.PostgreSQL";

    // Read by the query filters; EF Core turns each into a parameter evaluated per query on this instance.
    public bool ViewerSeesAll => Viewer.SeesAll;

    public bool ViewerParticipates => Viewer.OrganisationParticipates;

    public Guid? ViewerOrganisationId => Viewer.OrganisationId;

    public string ViewerOrganisationToken => Viewer.OrganisationId is { } org ? RoleNames.ConfidentialToken(org) : "|none|";

    public string ViewerRoleToken => Viewer.Role is { } role ? RoleNames.ConfidentialToken(role) : "|none|";

    public string ViewerRoleAtOrganisationToken => Viewer is { Role: { } role, OrganisationId: { } org } ? RoleNames.RoleAtOrganisationToken(role, org) : "|none|";

    /// <summary>The console (not a signed-in administrator): the only viewer who reads every complaint.</summary>
    public bool ViewerIsSystem => Viewer.SeesAll && Viewer.UserId == null;

    public string ViewerPartyToken => Viewer.PartyCode is { } party ? RoleNames.PartyToken(party) : "|none|";

    public DbSet<Organisation> Organisations => Set<Organisation>();

    public DbSet<User> Users => Set<User>();

    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();

    public DbSet<Setting> Settings => Set<Setting>();

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    public DbSet<Agreement> Agreements => Set<Agreement>();

    public DbSet<Party> Parties => Set<Party>();

    public DbSet<PlanSource> PlanSources => Set<PlanSource>();

    public DbSet<Phase> Phases => Set<Phase>();

    public DbSet<Provision> Provisions => Set<Provision>();

    public DbSet<StatusChange> StatusChanges => Set<StatusChange>();

    public DbSet<DeadlineAmendment> DeadlineAmendments => Set<DeadlineAmendment>();

    public DbSet<Dependency> Dependencies => Set<Dependency>();

    public DbSet<Metric> Metrics => Set<Metric>();

    public DbSet<Observation> Observations => Set<Observation>();

    public DbSet<Geo.Zone> Zones => Set<Geo.Zone>();

    public DbSet<Incidents.Report> Reports => Set<Incidents.Report>();

    public DbSet<Incidents.Incident> Incidents => Set<Incidents.Incident>();

    public DbSet<Incidents.IncidentTransition> IncidentTransitions => Set<Incidents.IncidentTransition>();

    public DbSet<Incidents.Finding> Findings => Set<Incidents.Finding>();

    public DbSet<Incidents.Reply> Replies => Set<Incidents.Reply>();

    public DbSet<Grievances.Grievance> Grievances => Set<Grievances.Grievance>();

    public DbSet<Grievances.GrievanceEvent> GrievanceEvents => Set<Grievances.GrievanceEvent>();

    public DbSet<Grievances.GrievanceDeadline> GrievanceDeadlines => Set<Grievances.GrievanceDeadline>();
    public DbSet<Incidents.Evidence> Evidence => Set<Incidents.Evidence>();

    public DbSet<Aid.Consignment> Consignments => Set<Aid.Consignment>();

    public DbSet<Aid.ConsignmentLine> ConsignmentLines => Set<Aid.ConsignmentLine>();

    public DbSet<Aid.ConsignmentEvent> ConsignmentEvents => Set<Aid.ConsignmentEvent>();

    public DbSet<Aid.AidImport> AidImports => Set<Aid.AidImport>();

    public DbSet<Aid.AidDaily> AidDaily => Set<Aid.AidDaily>();

    public DbSet<Aid.AidStageTime> AidStageTimes => Set<Aid.AidStageTime>();

    public DbSet<Aid.AidDailyStep> AidDailySteps => Set<Aid.AidDailyStep>();

    public DbSet<Transparency.LogEntry> LogEntries => Set<Transparency.LogEntry>();

    public DbSet<Transparency.LogNode> LogNodes => Set<Transparency.LogNode>();

    public DbSet<Transparency.LogCheckpoint> LogCheckpoints => Set<Transparency.LogCheckpoint>();

    public DbSet<Transparency.LogWitness> LogWitnesses => Set<Transparency.LogWitness>();

    public DbSet<Transparency.LogCosignature> LogCosignatures => Set<Transparency.LogCosignature>();

    public DbSet<Aid.AidMonthlyStageTime> AidMonthlyStageTimes => Set<Aid.AidMonthlyStageTime>();

    public DbSet<Aid.Distribution> Distributions => Set<Aid.Distribution>();

    public DbSet<Aid.GovernorateFigure> GovernorateFigures => Set<Aid.GovernorateFigure>();

    public DbSet<Aid.Impediment> Impediments => Set<Aid.Impediment>();

    public DbSet<Truceline.SituationReports.SituationReport> SituationReports => Set<Truceline.SituationReports.SituationReport>();

    public DbSet<Incidents.IncidentDaily> IncidentDaily => Set<Incidents.IncidentDaily>();

    public DbSet<Incidents.IncidentDailyParty> IncidentDailyParty => Set<Incidents.IncidentDailyParty>();

    protected override void ConfigureConventions(ModelConfigurationBuilder builder)
    {
        builder.Properties<Classification>().HaveConversion<string>();
        builder.Properties<Role>().HaveConversion<string>();
        builder.Properties<MetricDirection>().HaveConversion<string>();
        builder.Properties<VerificationState>().HaveConversion<string>();
        builder.Properties<Geo.ZoneKind>().HaveConversion<string>();
        builder.Properties<Incidents.Channel>().HaveConversion<string>();
        builder.Properties<Incidents.SourceType>().HaveConversion<string>();
        builder.Properties<Incidents.IncidentState>().HaveConversion<string>();
        builder.Properties<Incidents.Confidence>().HaveConversion<string>();
        builder.Properties<Incidents.Conclusion>().HaveConversion<string>();
        builder.Properties<Aid.ConsignmentStage>().HaveConversion<string>();
        builder.Properties<Aid.CommodityCategory>().HaveConversion<string>();
        builder.Properties<Aid.ImpedimentKind>().HaveConversion<string>();
        builder.Properties<Aid.ImpedimentReason>().HaveConversion<string>();
        builder.Properties<Grievances.GrievanceChannel>().HaveConversion<string>();
        builder.Properties<Grievances.GrievanceCategory>().HaveConversion<string>();
        builder.Properties<Grievances.GrievanceSeverity>().HaveConversion<string>();
        builder.Properties<Grievances.GrievanceState>().HaveConversion<string>();
        builder.Properties<Truceline.SituationReports.SituationReportState>().HaveConversion<string>();
        builder.Properties<List<string>>().HaveConversion<StringListConverter, StringListComparer>();
        // Every instant is UTC; SQLite keeps text and would hand them back without their kind.
        builder.Properties<DateTime>().HaveConversion<UtcConverter>();
    }

    protected override void OnModelCreating(ModelBuilder b)
    {
        b.Entity<Organisation>();
        b.Entity<User>().HasIndex(u => u.Email).IsUnique();
        b.Entity<ApiToken>().HasIndex(t => t.TokenHash).IsUnique();
        b.Entity<Setting>().HasKey(s => s.Key);
        b.Entity<DataProtectionKey>().HasKey(k => k.Name);
        b.Entity<AuditEntry>(e =>
        {
            e.HasKey(a => a.Seq);
            e.Property(a => a.Seq).ValueGeneratedNever();
            e.HasIndex(a => new { a.Subject, a.Seq });
        });
        b.Entity<Agreement>().HasIndex(a => a.Code).IsUnique();
        b.Entity<Party>().HasIndex(p => new { p.AgreementId, p.Code }).IsUnique();
        b.Entity<PlanSource>();
        b.Entity<Phase>();
        b.Entity<Provision>().HasIndex(p => new { p.AgreementId, p.Code }).IsUnique();
        b.Entity<StatusChange>();
        b.Entity<DeadlineAmendment>();
        b.Entity<Dependency>().HasIndex(d => new { d.DependentId, d.PrerequisiteId }).IsUnique();
        b.Entity<Metric>().HasIndex(m => new { m.ProvisionId, m.Code }).IsUnique();
        b.Entity<Observation>();

        // Relationships are declared so EF Core orders inserts by foreign key; deletes are never cascaded.
        b.Entity<User>().HasOne(u => u.Organisation).WithMany().HasForeignKey(u => u.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        b.Entity<ApiToken>().HasOne(t => t.User).WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Restrict);
        b.Entity<Party>().HasOne<Agreement>().WithMany(a => a.Parties).HasForeignKey(x => x.AgreementId).OnDelete(DeleteBehavior.Restrict);
        b.Entity<PlanSource>().HasOne<Agreement>().WithMany(a => a.Sources).HasForeignKey(x => x.AgreementId).OnDelete(DeleteBehavior.Restrict);
        b.Entity<Phase>().HasOne<Agreement>().WithMany(a => a.Phases).HasForeignKey(x => x.AgreementId).OnDelete(DeleteBehavior.Restrict);
        b.Entity<Provision>().HasOne<Agreement>().WithMany().HasForeignKey(x => x.AgreementId).OnDelete(DeleteBehavior.Restrict);
        b.Entity<Provision>().HasOne<Phase>().WithMany().HasForeignKey(x => x.PhaseId).OnDelete(DeleteBehavior.Restrict);
        b.Entity<StatusChange>().HasOne<Provision>().WithMany().HasForeignKey(x => x.ProvisionId).OnDelete(DeleteBehavior.Restrict);
        b.Entity<DeadlineAmendment>().HasOne<Provision>().WithMany().HasForeignKey(x => x.ProvisionId).OnDelete(DeleteBehavior.Restrict);
        b.Entity<Metric>().HasOne<Agreement>().WithMany().HasForeignKey(x => x.AgreementId).OnDelete(DeleteBehavior.Restrict);
        b.Entity<Metric>().HasOne<Provision>().WithMany().HasForeignKey(x => x.ProvisionId).OnDelete(DeleteBehavior.Restrict);
        b.Entity<Dependency>().HasOne<Agreement>().WithMany().HasForeignKey(x => x.AgreementId).OnDelete(DeleteBehavior.Restrict);
        b.Entity<Dependency>().HasOne<Provision>().WithMany().HasForeignKey(x => x.DependentId).OnDelete(DeleteBehavior.Restrict);
        b.Entity<Dependency>().HasOne<Provision>().WithMany().HasForeignKey(x => x.PrerequisiteId).OnDelete(DeleteBehavior.Restrict);
        b.Entity<Dependency>().HasOne<Metric>().WithMany().HasForeignKey(x => x.MetricId).OnDelete(DeleteBehavior.Restrict);
        b.Entity<Observation>().HasOne<Metric>().WithMany().HasForeignKey(x => x.MetricId).OnDelete(DeleteBehavior.Restrict);
        b.Entity<Observation>().HasOne<Provision>().WithMany().HasForeignKey(x => x.ProvisionId).OnDelete(DeleteBehavior.Restrict);

        // A record is visible when its own classification allows it and its parent is visible: a public
        // provision of a restricted agreement is restricted. EF applies the parent's filter inside the subquery.
        b.Entity<Agreement>().HasQueryFilter(Visibility.Filter<Agreement>(this));
        b.Entity<Provision>().HasQueryFilter(Visibility.Filter<Provision>(this).And(p => Agreements.Any(a => a.Id == p.AgreementId)));
        b.Entity<Metric>().HasQueryFilter(Visibility.Filter<Metric>(this).And(m => Provisions.Any(p => p.Id == m.ProvisionId)));
        b.Entity<Observation>().HasQueryFilter(Visibility.Filter<Observation>(this).And(o => Metrics.Any(m => m.Id == o.MetricId)));
        b.Entity<AuditEntry>().HasQueryFilter(Visibility.Filter<AuditEntry>(this));
        b.Entity<Geo.Zone>().HasQueryFilter(Visibility.Filter<Geo.Zone>(this));
        b.Entity<Incidents.Report>().HasQueryFilter(Visibility.Filter<Incidents.Report>(this));
        b.Entity<Incidents.Report>().HasIndex(r => new { r.Channel, r.ClientId }).IsUnique();
        b.Entity<Incidents.Incident>().HasQueryFilter(Visibility.Filter<Incidents.Incident>(this));
        b.Entity<Incidents.Incident>().HasOne<Agreement>().WithMany().HasForeignKey(i => i.AgreementId).OnDelete(DeleteBehavior.Restrict);
        b.Entity<Incidents.Report>().HasOne<Agreement>().WithMany().HasForeignKey(r => r.AgreementId).OnDelete(DeleteBehavior.Restrict);
        b.Entity<Incidents.IncidentTransition>().HasOne<Incidents.Incident>().WithMany().HasForeignKey(t => t.IncidentId).OnDelete(DeleteBehavior.Restrict);
        b.Entity<Incidents.Finding>().HasOne<Incidents.Incident>().WithMany().HasForeignKey(f => f.IncidentId).OnDelete(DeleteBehavior.Restrict);
        b.Entity<Incidents.Finding>().HasIndex(f => new { f.IncidentId, f.VerifierUserId }).IsUnique();
        b.Entity<Incidents.Reply>().HasOne<Incidents.Incident>().WithMany().HasForeignKey(r => r.IncidentId).OnDelete(DeleteBehavior.Restrict);
        // Complaints: even an administrator reads only those whose readers name their role in their organisation (ADR-014).
        b.Entity<Grievances.Grievance>().HasQueryFilter(Visibility.Filter<Grievances.Grievance>(this)
            .And(g => ViewerIsSystem || (g.ConfidentialTo != null && g.ConfidentialTo.Contains(ViewerRoleAtOrganisationToken))));
        b.Entity<Grievances.GrievanceEvent>().HasQueryFilter(Visibility.Filter<Grievances.GrievanceEvent>(this)
            .And(e => ViewerIsSystem || (e.ConfidentialTo != null && e.ConfidentialTo.Contains(ViewerRoleAtOrganisationToken))));
        b.Entity<Grievances.GrievanceDeadline>().HasKey(d => new { d.AgreementId, d.Severity });
        b.Entity<Grievances.GrievanceEvent>().HasOne<Grievances.Grievance>().WithMany().HasForeignKey(e => e.GrievanceId).OnDelete(DeleteBehavior.Restrict);
        b.Entity<Incidents.Reply>().HasQueryFilter(Visibility.Filter<Incidents.Reply>(this).And(r => Incidents.Any(i => i.Id == r.IncidentId)));
        b.Entity<Incidents.Evidence>().HasOne<Incidents.Report>().WithMany().HasForeignKey(e => e.ReportId).OnDelete(DeleteBehavior.Restrict);
        b.Entity<Incidents.Evidence>().HasQueryFilter(Visibility.Filter<Incidents.Evidence>(this).And(e => (e.ReportId == null || Reports.Any(r => r.Id == e.ReportId)) && (e.IncidentId == null || Incidents.Any(i => i.Id == e.IncidentId))));

        b.Entity<Aid.Consignment>().HasQueryFilter(Visibility.Filter<Aid.Consignment>(this));
        b.Entity<Aid.Consignment>().HasIndex(c => new { c.OwnerOrganisationId, c.Reference }).IsUnique();
        b.Entity<Aid.Consignment>().HasMany(c => c.Lines).WithOne().HasForeignKey(l => l.ConsignmentId).OnDelete(DeleteBehavior.Restrict);
        b.Entity<Aid.ConsignmentLine>().HasQueryFilter(Visibility.Filter<Aid.ConsignmentLine>(this));
        b.Entity<Aid.ConsignmentEvent>().HasOne<Aid.Consignment>().WithMany().HasForeignKey(e => e.ConsignmentId).OnDelete(DeleteBehavior.Restrict);
        b.Entity<Aid.ConsignmentEvent>().HasQueryFilter(Visibility.Filter<Aid.ConsignmentEvent>(this));
        b.Entity<Aid.AidImport>().HasQueryFilter(Visibility.Filter<Aid.AidImport>(this));
        b.Entity<Aid.AidDaily>().HasKey(d => new { d.Day, d.Crossing, d.Category, d.Stage, d.FromStage });
        b.Entity<Incidents.IncidentDaily>().HasKey(d => new { d.Day, d.EventType, d.GovernorateCode, d.State, d.Classification });
        b.Entity<Incidents.IncidentDailyParty>().HasKey(d => new { d.Party, d.Day, d.EventType, d.GovernorateCode, d.State, d.Classification });
        b.Entity<Aid.AidStageTime>().HasKey(d => new { d.Day, d.Stage, d.Bucket });
        b.Entity<Aid.AidDailyStep>().HasKey(d => new { d.Day, d.Stage, d.FromStage });
        b.Entity<Transparency.LogEntry>().HasKey(e => e.Index);
        b.Entity<Transparency.LogEntry>().Property(e => e.Index).ValueGeneratedNever();
        b.Entity<Transparency.LogNode>().HasKey(n => new { n.Level, n.Index });
        b.Entity<Transparency.LogNode>().Property(n => n.Index).ValueGeneratedNever();
        b.Entity<Transparency.LogCheckpoint>().HasKey(c => c.Size);
        b.Entity<Transparency.LogCheckpoint>().Property(c => c.Size).ValueGeneratedNever();
        b.Entity<Transparency.LogWitness>().HasKey(w => w.VerifierKey);
        b.Entity<Transparency.LogCosignature>().HasKey(c => new { c.Size, c.VerifierKey });
        b.Entity<Aid.AidMonthlyStageTime>().HasKey(d => new { d.Month, d.Stage, d.Bucket });
        b.Entity<Aid.Distribution>().HasQueryFilter(Visibility.Filter<Aid.Distribution>(this));
        b.Entity<Aid.Impediment>().HasQueryFilter(Visibility.Filter<Aid.Impediment>(this));
        b.Entity<Truceline.SituationReports.SituationReport>().HasQueryFilter(Visibility.Filter<Truceline.SituationReports.SituationReport>(this));
        b.Entity<Truceline.SituationReports.SituationReport>().HasOne<Agreement>().WithMany().HasForeignKey(r => r.AgreementId).OnDelete(DeleteBehavior.Restrict);

        foreach (var entity in b.Model.GetEntityTypes())
        {
            if (entity.ClrType.IsAssignableTo(typeof(IClassified)) && entity.GetDeclaredQueryFilters().Count == 0)
            {
                throw new InvalidOperationException($"{entity.ClrType.Name} is classified but has no visibility filter.");
            }
            entity.SetTableName(SnakeCase(entity.ClrType.Name) + "s");
            foreach (var property in entity.GetProperties())
            {
                property.SetColumnName(SnakeCase(property.Name));
            }
        }
        b.Entity<Setting>().ToTable("settings");
        b.Entity<Incidents.Incident>().Property(i => i.AllegedPartiesText).HasColumnName("alleged_parties");
        b.Entity<Incidents.Finding>().Property(f => f.ProvisionsText).HasColumnName("provisions");
        b.Entity<Transparency.LogEntry>().Property(e => e.Index).HasColumnName("idx");
        b.Entity<Transparency.LogNode>().Property(n => n.Index).HasColumnName("idx");
        b.Entity<Transparency.LogWitness>().Property(w => w.VerifierKey).HasColumnName("vkey");
        b.Entity<Transparency.LogCosignature>().Property(c => c.VerifierKey).HasColumnName("vkey");
        b.Entity<Party>().ToTable("parties");
        b.Entity<Dependency>().ToTable("dependencies");
        b.Entity<AuditEntry>().ToTable("audit_entries");
        b.Entity<Incidents.Reply>().ToTable("replies");
        b.Entity<Grievances.Grievance>().ToTable("grievances");
        b.Entity<Grievances.GrievanceEvent>().ToTable("grievance_events");
        b.Entity<Grievances.GrievanceDeadline>().ToTable("grievance_deadlines");
        b.Entity<Incidents.Evidence>().ToTable("evidence");
        b.Entity<Aid.AidDaily>().ToTable("aid_daily");
        b.Entity<Incidents.IncidentDaily>().ToTable("incident_daily");
        b.Entity<Incidents.IncidentDailyParty>().ToTable("incident_daily_party");
        b.Entity<Aid.AidStageTime>().ToTable("aid_stage_times");
        b.Entity<Aid.AidDailyStep>().ToTable("aid_daily_steps");
        b.Entity<Transparency.LogEntry>().ToTable("log_entries");
        b.Entity<Transparency.LogNode>().ToTable("log_nodes");
        b.Entity<Transparency.LogCheckpoint>().ToTable("log_checkpoints");
        b.Entity<Transparency.LogWitness>().ToTable("log_witnesses");
        b.Entity<Transparency.LogCosignature>().ToTable("log_cosignatures");
        b.Entity<Aid.AidMonthlyStageTime>().ToTable("aid_monthly_stage_times");
    }

    public static string SnakeCase(string name)
    {
        var sb = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c) && i > 0 && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1])))
            {
                sb.Append('_');
            }
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }

    private sealed class UtcConverter() : Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : DateTime.SpecifyKind(v, DateTimeKind.Utc),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));

    private sealed class StringListConverter() : Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<List<string>, string>(
        v => JsonSerializer.Serialize(v, (JsonSerializerOptions?)null),
        v => JsonSerializer.Deserialize<List<string>>(v, (JsonSerializerOptions?)null) ?? new List<string>());

    private sealed class StringListComparer() : ValueComparer<List<string>>(
        (a, c) => (a ?? new List<string>()).SequenceEqual(c ?? new List<string>()),
        v => v.Aggregate(0, (h, s) => HashCode.Combine(h, s.GetHashCode(StringComparison.Ordinal))),
        v => v.ToList());
}

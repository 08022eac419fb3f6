using System.Text;
using Microsoft.EntityFrameworkCore;
using Truceline.Access;
using Truceline.Data;
using Truceline.Incidents;
using Truceline.Web.Tests.Infrastructure;

namespace Truceline.Web.Tests.Incidents;

public sealed class CsvImportTests
{
    private const string Header = "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,actor2,admin1,admin2,location,latitude,longitude,geo_precision,source,notes,fatalities";

    private static async Task<DatabaseTarget> DatabaseWithGovernoratesAsync(string db)
    {
        var target = Databases.Fresh(db);
        await Migrator.MigrateAsync(target);
        var zones = await Executable.RunAsync("zones", "import", Path.Combine(TestFiles.Shared, "data", "boundaries", "ocha-codab-pse-adm2-gaza-governorates-20231019.geojson"),
            "--kind", "governorate", "--code-property", "ADM2_PCODE", "--name-property", "ADM2_EN", "--source", "OCHA COD-AB", "--db", target.ConnectionString);
        Assert.True(zones.ExitCode == 0, zones.All);
        return target;
    }

    private static string File(params string[] rows)
    {
        var path = Path.Combine(Path.GetTempPath(), $"incidents-{Guid.NewGuid():N}.csv");
        System.IO.File.WriteAllText(path, string.Join("\r\n", [Header, .. rows]) + "\r\n", new UTF8Encoding(false));
        return path;
    }

    private static readonly string[] GoodRows =
    [
        "PSE1001,2026-10-20,2026,1,Political violence,Explosions/Remote violence,Air/drone strike,Military Forces of Israel (simulated),,Gaza Strip,Khan Younis,Khan Younis,31.3462,34.3063,1,Simulated outlet,\"Strike reported, east of the town (simulated)\",2",
        "PSE1002,21 October 2025,2025,2,Political violence,Battles,Armed clash,\"Hamas \"\"military wing\"\" (simulated)\",Military Forces of Israel (simulated),Gaza Strip,Rafah,Rafah,31.2800,34.2500,2,Simulated outlet,Clash near the crossing (simulated),0",
        "PSE1003,2026-11-01,2026,1,Political violence,Violence against civilians,Attack,Unidentified armed group (simulated),,Gaza Strip,Gaza,Gaza City,31.5017,34.4668,1,Simulated outlet,\"Two lines\nof notes\",",
    ];

    private static async Task<List<Report>> ImportedAsync(DatabaseTarget target)
    {
        await using var ctx = target.CreateContext(TimeProvider.System);
        ctx.Viewer = Viewer.System("test");
        return await ctx.Reports.OrderBy(r => r.ClientId).ToListAsync();
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task AnAcledStyleFileIsImportedOnceAndPlaced(string db)
    {
        var target = await DatabaseWithGovernoratesAsync(db);
        var file = File(GoodRows);
        var run = await Executable.RunAsync("import", "incidents", file, "--db", target.ConnectionString);
        Assert.True(run.ExitCode == 0, run.All);
        Assert.Contains("Imported 3 report(s); 0 already imported before", run.Output);
        var reports = await ImportedAsync(target);
        Assert.Equal(["PS0270", "PS0275", "PS0260"], reports.Select(r => r.GovernorateCode));
        Assert.Equal(new DateOnly(2025, 10, 21), reports[1].OccurredOn);
        Assert.Equal(["Hamas \"military wing\" (simulated)", "Military Forces of Israel (simulated)"], reports[1].AllegedParties);
        Assert.Equal("Two lines\nof notes", reports[2].Description);
        Assert.Null(reports[2].Fatalities);
        Assert.All(reports, r => Assert.Equal((Channel.Import, SourceType.Media, Classification.Restricted), (r.Channel, r.SourceType, r.Classification)));

        var again = await Executable.RunAsync("import", "incidents", file, "--db", target.ConnectionString);
        Assert.Contains("Imported 0 report(s); 3 already imported before", again.Output);
        Assert.Equal(3, (await ImportedAsync(target)).Count);
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task OneBadRowImportsNothingAndEveryProblemIsListed(string db)
    {
        var target = await DatabaseWithGovernoratesAsync(db);
        var file = File(GoodRows[0],
            "PSE2001,2026-13-45,2026,1,x,Battles,Armed clash,A,,,,,31.35,34.31,1,s,n,0",
            "PSE2002,2026-10-20,2026,9,x,,Armed clash,A,,,,,31.35,east,1,s,n,-4",
            "PSE2003,2026-10-20,2026,1,x,Battles,Armed clash,A,,,,,32.0853,34.7818,1,s,n,0",
            GoodRows[1]);
        var run = await Executable.RunAsync("import", "incidents", file, "--db", target.ConnectionString);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("nothing was imported", run.Output);
        Assert.Contains("line 3, event_date: '2026-13-45' is not a date", run.Output);
        Assert.Contains("line 4, time_precision: must be 1", run.Output);
        Assert.Contains("line 4, event_type: is required", run.Output);
        Assert.Contains("line 4, longitude: 'east' is not a number", run.Output);
        Assert.Contains("line 4, fatalities: must be between 0 and 100000", run.Output);
        Assert.Contains("line 5, latitude: the location is", run.Output);
        Assert.Empty(await ImportedAsync(target));

        var partial = await Executable.RunAsync("import", "incidents", file, "--partial", "--db", target.ConnectionString);
        Assert.True(partial.ExitCode == 0, partial.All);
        Assert.Contains("Imported 2 report(s); 0 already imported before; 3 row(s) with 6 problem(s) skipped", partial.Output);
        Assert.Equal(["PSE1001", "PSE1002"], (await ImportedAsync(target)).Select(r => r.ClientId));
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task HostileFilesAreRefusedWithTheLineAndNothingIsStored(string db)
    {
        var target = await DatabaseWithGovernoratesAsync(db);
        var quoting = await Executable.RunAsync("import", "incidents", File(GoodRows[0], "PSE3001,2026-10-20,2026,1,x,Battles,\"Armed clash,A,,,,,31.35,34.31,1,s,n,0"), "--db", target.ConnectionString);
        Assert.Equal(1, quoting.ExitCode);
        Assert.Contains("line 3, row: the file ends inside a quoted field", quoting.Output);

        var latin1 = Path.Combine(Path.GetTempPath(), $"latin1-{Guid.NewGuid():N}.csv");
        await System.IO.File.WriteAllBytesAsync(latin1, [.. Encoding.ASCII.GetBytes(Header + "\nPSE4001,2026-10-20,2026,1,x,Battles,Armed clash,"), 0xE9, .. Encoding.ASCII.GetBytes("t,,,,,31.35,34.31,1,s,n,0\n")]);
        var encoding = await Executable.RunAsync("import", "incidents", latin1, "--db", target.ConnectionString);
        Assert.Equal(1, encoding.ExitCode);
        Assert.Contains("not valid UTF-8", encoding.Output);

        var nan = await Executable.RunAsync("import", "incidents", File("PSE6001,2026-10-20,2026,1,x,Battles,Armed clash,A,,,,,NaN,Infinity,1,s,n,0"), "--db", target.ConnectionString);
        Assert.Equal(1, nan.ExitCode);
        Assert.Contains("line 2, latitude: 'NaN' is not a number", nan.Output);
        var wrongHeader = Path.Combine(Path.GetTempPath(), $"wrong-{Guid.NewGuid():N}.csv");
        await System.IO.File.WriteAllTextAsync(wrongHeader, "date,type,lat,lon\n2026-10-20,Battles,31.35,34.31\n");
        var missing = await Executable.RunAsync("import", "incidents", wrongHeader, "--db", target.ConnectionString);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("missing column(s): event_date, event_type, latitude, longitude", missing.Output);
        var longField = await Executable.RunAsync("import", "incidents", File($"PSE5001,2026-10-20,2026,1,x,Battles,Armed clash,A,,,,,31.35,34.31,1,s,{new string('n', 200_000)},0"), "--db", target.ConnectionString);
        Assert.Equal(1, longField.ExitCode);
        Assert.Contains("longer than 100000 characters", longField.Output);
        Assert.Empty(await ImportedAsync(target));
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task ActorsThatArePartiesByNameOrAliasAreImportedAsThePartysCode(string db)
    {
        var target = await DatabaseWithGovernoratesAsync(db);
        var plan = await Executable.RunAsync("plan", "import", TestFiles.GazaPlan, "--db", target.ConnectionString);
        Assert.True(plan.ExitCode == 0, plan.All);
        var file = File(
            "PSE2001,2026-10-20,2026,1,Political violence,Explosions/Remote violence,Air/drone strike,military forces of israel (2022-),HAMAS MOVEMENT,Gaza Strip,Khan Younis,Khan Younis,31.3462,34.3063,1,Simulated outlet,Aliases (simulated),0",
            "PSE2002,2026-10-21,2026,1,Political violence,Battles,Armed clash,Hamas,Unidentified armed group (simulated),Gaza Strip,Rafah,Rafah,31.2800,34.2500,2,Simulated outlet,Name and unknown (simulated),0");
        var imported = await Executable.RunAsync("import", "incidents", file, "--db", target.ConnectionString);
        Assert.True(imported.ExitCode == 0, imported.All);
        var reports = (await ImportedAsync(target)).OrderBy(r => r.ClientId).ToList();
        Assert.Equal(["israel", "hamas"], reports[0].AllegedParties);
        Assert.Equal(["hamas", "Unidentified armed group (simulated)"], reports[1].AllegedParties); // an actor that is no party stays as written

        // A second agreement, in force in 2024 only, whose Israel goes by another alias: a 2024 event uses its names, a 2026 one the Gaza plan's.
        var earlier = await TestApp.GazaPlanAsync("earlier-" + Guid.NewGuid().ToString("N")[..8], withHistory: false);
        foreach (var (phase, i) in earlier["agreement"]!["phases"]!.AsArray().Select((p, i) => (p!, i)))
        {
            phase["startsOn"] = i == 0 ? "2024-01-15" : "2024-06-01";
            phase["endsOn"] = i == 0 ? "2024-05-31" : "2024-12-31";
        }
        earlier["agreement"]!["parties"]![0]!["aliases"] = new System.Text.Json.Nodes.JsonArray("IDF (simulated)");
        var planFile = Path.Combine(Path.GetTempPath(), $"plan-{Guid.NewGuid():N}.json");
        await System.IO.File.WriteAllTextAsync(planFile, earlier.ToJsonString());
        Assert.Equal(0, (await Executable.RunAsync("plan", "import", planFile, "--db", target.ConnectionString)).ExitCode);
        var byDate = File(
            "PSE2003,2024-07-01,2024,1,Political violence,Battles,Armed clash,IDF (simulated),,Gaza Strip,Khan Younis,Khan Younis,31.3462,34.3063,1,Simulated outlet,2024 (simulated),0",
            "PSE2004,2026-10-22,2026,1,Political violence,Battles,Armed clash,IDF (simulated),,Gaza Strip,Khan Younis,Khan Younis,31.3462,34.3063,1,Simulated outlet,2026 (simulated),0");
        Assert.Equal(0, (await Executable.RunAsync("import", "incidents", byDate, "--db", target.ConnectionString)).ExitCode);
        var dated = (await ImportedAsync(target)).Where(r => r.ClientId is "PSE2003" or "PSE2004").OrderBy(r => r.ClientId).ToList();
        Assert.Equal(["israel"], dated[0].AllegedParties);
        Assert.Equal(["IDF (simulated)"], dated[1].AllegedParties);
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Truceline.Data;

/// <summary>
/// Writes entities the context does not track, with one prepared statement, in the caller's transaction, each value
/// converted as the model converts it. For writers that store or change rows at the rate intake brings them (intake,
/// grouping), where tracking and saving them through the context costs more than the writes. The caller audits them
/// (<see cref="Audit.AuditInterceptor.Created"/>, <see cref="Audit.AuditInterceptor.Changed"/>): nothing here does.
/// </summary>
internal static class BulkWrite
{
    /// <summary>Inserts the entities, every mapped property.</summary>
    public static Task InsertAsync<T>(TrucelineDb db, IReadOnlyList<T> entities, CancellationToken ct)
        where T : class => WriteAsync(db, entities, null, ct);

    /// <summary>
    /// Inserts the entities a unique index does not already hold, and says which were inserted: an entity whose key under
    /// <paramref name="conflictTarget"/> (the index's columns and, for a partial index, its WHERE) is already stored, or
    /// was inserted earlier in this call, is skipped. Skipping in the insert spares a lookup of every key beforehand when
    /// nearly all are new (intake, where a retry is the exception).
    /// </summary>
    public static Task<bool[]> InsertNewAsync<T>(TrucelineDb db, IReadOnlyList<T> entities, string conflictTarget, CancellationToken ct)
        where T : class => WriteAsync(db, entities, $" ON CONFLICT {conflictTarget} DO NOTHING", ct);

    private static async Task<bool[]> WriteAsync<T>(TrucelineDb db, IReadOnlyList<T> entities, string? onConflict, CancellationToken ct)
        where T : class
    {
        var inserted = new bool[entities.Count];
        if (entities.Count == 0)
        {
            return inserted;
        }
        var type = db.Model.FindEntityType(typeof(T))!;
        var table = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
        var columns = type.GetProperties().ToArray();
        var sqlite = !db.IsPostgres;
        await using var command = Command(db);
        command.CommandText = $"INSERT INTO {table.Name} ({string.Join(", ", columns.Select(p => p.GetColumnName(table)))}) VALUES ({string.Join(", ", columns.Select((_, i) => $"@p{i}"))}){onConflict}";
        var parameters = Parameters(command, columns.Length);
        var prepared = false;
        for (var e = 0; e < entities.Count; e++)
        {
            for (var i = 0; i < columns.Length; i++)
            {
                parameters[i].Value = Stored(columns[i], entities[e], sqlite);
            }
            if (!prepared)
            {
                // Npgsql prepares with the parameters' types, so after the first values are bound.
                await command.PrepareAsync(ct);
                prepared = true;
            }
            inserted[e] = await command.ExecuteNonQueryAsync(ct) == 1;
        }
        return inserted;
    }

    /// <summary>Sets the given properties of each entity, found by its key; throws unless each row is there.</summary>
    public static async Task UpdateAsync<T>(TrucelineDb db, IReadOnlyList<T> entities, IReadOnlyList<string> properties, CancellationToken ct)
        where T : class
    {
        if (entities.Count == 0)
        {
            return;
        }
        var type = db.Model.FindEntityType(typeof(T))!;
        var table = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
        var key = type.FindPrimaryKey()!.Properties.Single();
        var columns = properties.Select(name => type.FindProperty(name) ?? throw new ArgumentException($"{typeof(T).Name} has no property {name}.")).ToArray();
        var sqlite = !db.IsPostgres;
        await using var command = Command(db);
        command.CommandText = $"UPDATE {table.Name} SET {string.Join(", ", columns.Select((p, i) => $"{p.GetColumnName(table)} = @p{i}"))} WHERE {key.GetColumnName(table)} = @key";
        var parameters = Parameters(command, columns.Length);
        var keyParameter = command.CreateParameter();
        keyParameter.ParameterName = "@key";
        command.Parameters.Add(keyParameter);
        var prepared = false;
        foreach (var entity in entities)
        {
            for (var i = 0; i < columns.Length; i++)
            {
                parameters[i].Value = Stored(columns[i], entity, sqlite);
            }
            keyParameter.Value = Stored(key, entity, sqlite);
            if (!prepared)
            {
                // Npgsql prepares with the parameters' types, so after the first values are bound.
                await command.PrepareAsync(ct);
                prepared = true;
            }
            if (await command.ExecuteNonQueryAsync(ct) != 1)
            {
                // As EF Core would: the caller's transaction rolls back rather than audit a change that was not written.
                throw new DbUpdateConcurrencyException($"{typeof(T).Name} {keyParameter.Value} could not be updated: it is no longer there.");
            }
        }
    }

    private static System.Data.Common.DbCommand Command(TrucelineDb db)
    {
        var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction() ?? throw new InvalidOperationException("A bulk write runs in the caller's transaction.");
        return command;
    }

    private static System.Data.Common.DbParameter[] Parameters(System.Data.Common.DbCommand command, int count) =>
        Enumerable.Range(0, count).Select(i =>
        {
            var p = command.CreateParameter();
            p.ParameterName = $"@p{i}";
            command.Parameters.Add(p);
            return p;
        }).ToArray();

    private static object Stored(IProperty property, object entity, bool sqlite)
    {
        var value = property.GetGetter().GetClrValue(entity);
        return BulkInsert.Convert(value is not null && property.GetTypeMapping().Converter is { } converter ? converter.ConvertToProvider(value) : value, sqlite);
    }
}

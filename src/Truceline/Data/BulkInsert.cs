using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Truceline.Data;

/// <summary>
/// Multi-row INSERTs for bulk imports, where EF Core's change tracking and the per-row audit entry would cost more
/// than the write (a year of consignments is millions of rows). Values are converted the way EF Core stores them on
/// each engine, so EF reads the rows back as if it had written them.
/// </summary>
internal sealed class BulkInsert(TrucelineDb db, string table, string[] columns)
{
    private const int RowsPerStatement = 200;
    private readonly List<object?[]> _rows = [];
    private readonly bool _sqlite = !db.IsPostgres;
    private string? _fullSql;

    public void Add(params object?[] values) => _rows.Add(values);

    public int Pending => _rows.Count;

    public async Task FlushAsync(CancellationToken ct)
    {
        if (_rows.Count == 0)
        {
            return;
        }
        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        if (_sqlite)
        {
            // SQLite finds a parameter by scanning the statement's names, so thousands per statement cost quadratic time;
            // one prepared single-row statement, rebound per row, is the fast path there.
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = Sql(1);
            for (var c = 0; c < columns.Length; c++)
            {
                var p = command.CreateParameter();
                p.ParameterName = $"@p{c}";
                command.Parameters.Add(p);
            }
            command.Prepare();
            foreach (var row in _rows)
            {
                for (var c = 0; c < columns.Length; c++)
                {
                    command.Parameters[c].Value = Convert(row[c], _sqlite);
                }
                await command.ExecuteNonQueryAsync(ct);
            }
            _rows.Clear();
            return;
        }
        for (var start = 0; start < _rows.Count; start += RowsPerStatement)
        {
            var count = Math.Min(RowsPerStatement, _rows.Count - start);
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = count == RowsPerStatement ? _fullSql ??= Sql(count) : Sql(count);
            for (var r = 0; r < count; r++)
            {
                var row = _rows[start + r];
                for (var c = 0; c < columns.Length; c++)
                {
                    var p = command.CreateParameter();
                    p.ParameterName = $"@p{r * columns.Length + c}";
                    p.Value = Convert(row[c], _sqlite);
                    command.Parameters.Add(p);
                }
            }
            await command.ExecuteNonQueryAsync(ct);
        }
        _rows.Clear();
    }

    private string Sql(int rows)
    {
        var sb = new StringBuilder($"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ");
        for (var r = 0; r < rows; r++)
        {
            sb.Append(r == 0 ? "(" : ", (");
            for (var c = 0; c < columns.Length; c++)
            {
                sb.Append(c == 0 ? "" : ", ").Append("@p").Append(r * columns.Length + c);
            }
            sb.Append(')');
        }
        return sb.ToString();
    }

    /// <summary>A value as EF Core stores it on the engine, for a command written by hand.</summary>
    internal static object Convert(object? value, bool sqlite) => value switch
    {
        null => DBNull.Value,
        // EF Core's SQLite provider keeps GUIDs as upper-case text and instants as text; PostgreSQL takes them natively.
        Guid g => sqlite ? g.ToString().ToUpperInvariant() : g,
        DateTime d => sqlite ? d.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", System.Globalization.CultureInfo.InvariantCulture) : DateTime.SpecifyKind(d, DateTimeKind.Utc),
        DateOnly d => sqlite ? d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : d,
        bool b => sqlite ? (b ? 1 : 0) : b,
        Enum e => e.ToString(),
        _ => value,
    };
}

namespace Truceline.Common;

public enum FailureKind
{
    NotFound,
    Conflict,
    Invalid,
    Forbidden,
    /// <summary>The system is not set up for this yet (for example no organisation receives complaints).</summary>
    Unavailable,
}

/// <summary>An expected rule failure: mapped to a ProblemDetails answer by the web layer, never thrown.</summary>
public sealed record Failure(FailureKind Kind, string Title, string Detail, IReadOnlyDictionary<string, string[]>? Errors = null)
{
    public static Failure NotFound(string what) => new(FailureKind.NotFound, "Not found", what);

    public static Failure Conflict(string title, string detail) => new(FailureKind.Conflict, title, detail);

    public static Failure Invalid(string field, string message) =>
        new(FailureKind.Invalid, "Invalid input", $"{field}: {message}", new Dictionary<string, string[]> { [field] = [message] });

    public static Failure Invalid(IReadOnlyDictionary<string, string[]> errors) =>
        new(FailureKind.Invalid, "Invalid input", string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")), errors);
}

public readonly record struct Outcome<T>(T? Value, Failure? Failure)
{
    public bool Succeeded => Failure is null;

    public static implicit operator Outcome<T>(T value) => new(value, null);

    public static implicit operator Outcome<T>(Failure failure) => new(default, failure);
}

/// <summary>Collects field errors, keyed by the JSON path of the field, so one answer names every problem.</summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = [];

    public bool Any => _errors.Count > 0;

    /// <summary>How many fields have errors.</summary>
    public int Fields => _errors.Count;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }
        list.Add(message);
    }

    /// <summary>Every error, field by field.</summary>
    public IEnumerable<(string Field, string Message)> All => _errors.SelectMany(e => e.Value.Select(m => (e.Key, m)));

    public Failure ToFailure() => Failure.Invalid(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
}

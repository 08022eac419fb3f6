using System.Threading.RateLimiting;

namespace Truceline.Web.Access;

/// <summary>
/// Limits sign-in attempts per account and per client address, so passwords cannot be guessed at speed.
/// In memory, per node: a second node gives an attacker at most twice the attempts. The windows run on the
/// system clock (System.Threading.RateLimiting takes no TimeProvider), so tests only exhaust them, never wait.
/// </summary>
public sealed class SignInThrottle : IDisposable
{
    public const int PerAccount = 10;
    public static readonly TimeSpan AccountWindow = TimeSpan.FromMinutes(15);
    // Generous per address (an office behind one NAT address signs in together); the per-account limit stops guessing.
    public const int PerAddress = 300;
    public static readonly TimeSpan AddressWindow = TimeSpan.FromMinutes(1);

    private readonly PartitionedRateLimiter<string> _accounts = PartitionedRateLimiter.Create<string, string>(email =>
        RateLimitPartition.GetSlidingWindowLimiter(email, _ => new SlidingWindowRateLimiterOptions
        {
            PermitLimit = PerAccount, Window = AccountWindow, SegmentsPerWindow = 15, QueueLimit = 0, AutoReplenishment = true,
        }), StringComparer.OrdinalIgnoreCase);

    private readonly PartitionedRateLimiter<string> _addresses = PartitionedRateLimiter.Create<string, string>(address =>
        RateLimitPartition.GetSlidingWindowLimiter(address, _ => new SlidingWindowRateLimiterOptions
        {
            PermitLimit = PerAddress, Window = AddressWindow, SegmentsPerWindow = 6, QueueLimit = 0, AutoReplenishment = true,
        }), StringComparer.Ordinal);

    /// <summary>True when this attempt may go ahead.</summary>
    public bool TryAttempt(string? email, string? address)
    {
        using var byAddress = _addresses.AttemptAcquire(address ?? "unknown");
        if (!byAddress.IsAcquired)
        {
            return false;
        }
        using var byAccount = _accounts.AttemptAcquire((email ?? "").Trim());
        return byAccount.IsAcquired;
    }

    public void Dispose()
    {
        _accounts.Dispose();
        _addresses.Dispose();
    }
}

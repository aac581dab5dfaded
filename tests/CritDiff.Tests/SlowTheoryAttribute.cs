namespace CritDiff.Tests;

/// <summary>
/// A theory that takes minutes on two cores: skipped (and counted as skipped) unless the environment variable
/// CRITDIFF_SLOW=1 is set, so `dotnet test` stays within CI's time. Run them with `CRITDIFF_SLOW=1 dotnet test --filter Category=Slow`.
/// </summary>
public sealed class SlowTheoryAttribute : TheoryAttribute
{
    /// <summary>Skips unless CRITDIFF_SLOW=1.</summary>
    public SlowTheoryAttribute()
    {
        if (Environment.GetEnvironmentVariable("CRITDIFF_SLOW") != "1")
            Skip = "slow (minutes): set CRITDIFF_SLOW=1 to run";
    }
}

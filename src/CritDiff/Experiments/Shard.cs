using System.Globalization;

namespace CritDiff.Experiments;

/// <summary>
/// The i-th of N disjoint shares of a sweep (1-based): job j belongs to shard (j mod N) + 1. Parsed from
/// "i/N", or from SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT (task ids 0..N-1 or 1..N, as
/// SLURM_ARRAY_TASK_MIN says).
/// </summary>
public sealed record Shard(int Index, int Count)
{
    /// <summary>The whole sweep.</summary>
    public static readonly Shard All = new(1, 1);

    /// <summary>True when job number <paramref name="jobIndex"/> belongs to this shard.</summary>
    public bool Contains(int jobIndex) => jobIndex % Count == Index - 1;

    /// <summary>Parses "i/N" with 1 &lt;= i &lt;= N.</summary>
    public static Shard Parse(string text)
    {
        var parts = (text ?? "").Split('/');
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int i)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 1 && i >= 1 && i <= n)
            return new Shard(i, n);
        throw new FormatException($"shard must be i/N with 1 <= i <= N (got '{text}')");
    }

    /// <summary>The shard SLURM's job-array variables describe, or null outside an array job.</summary>
    public static Shard? FromSlurm(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        string? id = environment("SLURM_ARRAY_TASK_ID"), count = environment("SLURM_ARRAY_TASK_COUNT");
        if (id is null || count is null) return null;
        if (!int.TryParse(id, CultureInfo.InvariantCulture, out int task) || !int.TryParse(count, CultureInfo.InvariantCulture, out int n) || n < 1)
            throw new FormatException($"SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT are not integers ('{id}', '{count}')");
        int min = int.TryParse(environment("SLURM_ARRAY_TASK_MIN"), CultureInfo.InvariantCulture, out int m) ? m : 0;
        int index = task - min + 1;
        if (index < 1 || index > n) throw new FormatException($"SLURM_ARRAY_TASK_ID {task} is outside the array of {n} tasks starting at {min}");
        return new Shard(index, n);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Index}/{Count}";
}

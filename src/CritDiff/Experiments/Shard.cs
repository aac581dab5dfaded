using System.Globalization;

namespace CritDiff.Experiments;

/// <summary>
/// The i-th of N disjoint shares of a sweep (1-based): job j belongs to shard (j mod N) + 1. Parsed from
/// "i/N", or from SLURM_ARRAY_TASK_ID and the array's range (see <see cref="FromSlurm"/>).
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

    /// <summary>
    /// The shard SLURM's job-array variables describe, or null outside an array job. With
    /// <paramref name="shards"/> = N (the script passes the sweep's shard count) task id k is shard k + 1 of N,
    /// task ids running 0..N-1, so a resubmitted task (<c>sbatch --array=k</c>) reruns shard k + 1. Without it
    /// the count is the array's range SLURM_ARRAY_TASK_MAX - SLURM_ARRAY_TASK_MIN + 1 (ids MIN..MAX), and an
    /// array of one task is refused: it is a resubmitted task as often as not, and would run the whole sweep.
    /// </summary>
    public static Shard? FromSlurm(Func<string, string?> environment, int? shards = null)
    {
        ArgumentNullException.ThrowIfNull(environment);
        string? id = environment("SLURM_ARRAY_TASK_ID");
        if (id is null) return null;
        int task = Integer(environment, "SLURM_ARRAY_TASK_ID");
        if (shards is { } n)
        {
            if (n < 1) throw new FormatException($"the shard count must be >= 1 (got {n})");
            if (task < 0 || task >= n)
                throw new FormatException($"SLURM_ARRAY_TASK_ID {task} is outside 0..{n - 1} for {n} shards (submit with --array=0-{n - 1}, or pass --shard i/N)");
            return new Shard(task + 1, n);
        }
        int min = environment("SLURM_ARRAY_TASK_MIN") is null ? 0 : Integer(environment, "SLURM_ARRAY_TASK_MIN");
        int max = environment("SLURM_ARRAY_TASK_MAX") is null
            ? min + Integer(environment, "SLURM_ARRAY_TASK_COUNT") - 1
            : Integer(environment, "SLURM_ARRAY_TASK_MAX");
        int count = max - min + 1;
        if (count == 1)
            throw new FormatException($"a job array of one task (id {task}) cannot tell how many shards the sweep has (a resubmitted task?): pass --shards N, task ids 0..N-1");
        int index = task - min + 1;
        if (index < 1 || index > count) throw new FormatException($"SLURM_ARRAY_TASK_ID {task} is outside the array {min}..{max}");
        return new Shard(index, count);
    }

    private static int Integer(Func<string, string?> environment, string name) =>
        int.TryParse(environment(name), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value)
            ? value
            : throw new FormatException($"{name} is not an integer ('{environment(name)}')");

    /// <inheritdoc />
    public override string ToString() => $"{Index}/{Count}";
}

namespace CritDiff.Networks;

/// <summary>
/// The per-thread passes of a network over a batch (<see cref="NonlinearConvNetwork"/>, the U-Net): items 0..count-1 (samples,
/// or chunks of a backward pass) run on up to <see cref="MaxThreads"/> workers, each with its own pass (scratch buffers),
/// created on first use. Which worker runs an item never changes a result: every item writes only its own outputs, and a
/// backward pass sums its chunks' gradients in chunk order afterwards (<see cref="ChunkCount"/> depends on the batch and the
/// model only).
/// </summary>
internal sealed class BatchWorkers<TPass>(int maxThreads, Func<TPass> create) where TPass : class
{
    /// <summary>Most chunks (gradient buffers) a backward pass splits a batch into.</summary>
    private const int MaxChunks = 16;

    /// <summary>Cap on the doubles held by chunk gradient buffers (2^24 = 128 MiB): fewer chunks for huge networks.</summary>
    private const long MaxChunkDoubles = 1L << 24;

    private readonly TPass?[] _passes = new TPass?[maxThreads];

    /// <summary>Most workers of one call.</summary>
    public int MaxThreads => maxThreads;

    /// <summary>Chunks of a backward pass over <paramref name="count"/> samples of a model with that many parameters.</summary>
    public static int ChunkCount(int count, long parameterCount)
    {
        long byMemory = Math.Max(1, MaxChunkDoubles / Math.Max(1, parameterCount));
        return (int)Math.Min(Math.Min(count, MaxChunks), byMemory);
    }

    /// <summary>Runs body(item, pass) for items 0..count-1 on up to <see cref="MaxThreads"/> workers, one pass each.</summary>
    public void Run(int count, Action<int, TPass> body)
    {
        int workers = Math.Min(MaxThreads, count);
        if (workers <= 1)
        {
            var pass = Pass(0);
            for (int i = 0; i < count; i++) body(i, pass);
            return;
        }
        for (int w = 0; w < workers; w++) Pass(w);
        int next = -1;
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w =>
        {
            var pass = _passes[w]!;
            for (int i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next)) body(i, pass);
        });
    }

    /// <summary>A staging array of at least <paramref name="length"/> values (batch spans cannot enter worker lambdas).</summary>
    public static double[] Staged(ref double[] buffer, int length)
    {
        if (buffer.Length < length) buffer = new double[length];
        return buffer;
    }

    /// <summary>A staging array holding a copy of <paramref name="values"/>.</summary>
    public static double[] Staged(ref double[] buffer, ReadOnlySpan<double> values)
    {
        var staged = Staged(ref buffer, values.Length);
        values.CopyTo(staged);
        return staged;
    }

    private TPass Pass(int worker) => _passes[worker] ??= create();
}

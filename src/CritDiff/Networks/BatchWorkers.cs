using System.Numerics.Tensors;

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
    private readonly List<double[][]> _chunkGradients = [];

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

    /// <summary>
    /// A backward pass: gradient = sum over items 0..count-1 of what <paramref name="item"/>(item, pass, buffer) adds to a
    /// zeroed per-chunk buffer in <paramref name="gradient"/>'s layout; the <see cref="ChunkCount"/> chunks of consecutive
    /// items are summed in chunk order, so the result does not depend on which worker ran which chunk.
    /// </summary>
    public void SumOverItems(int count, long parameterCount, Action<int, TPass, double[][]> item, NetworkParameters gradient)
    {
        int chunks = ChunkCount(count, parameterCount);
        while (_chunkGradients.Count < chunks) _chunkGradients.Add(gradient.Layers.Select(l => new double[l.Length]).ToArray());
        Run(chunks, (k, pass) =>
        {
            var buffer = _chunkGradients[k];
            foreach (var layer in buffer) Array.Clear(layer);
            for (int b = (int)((long)k * count / chunks), end = (int)((long)(k + 1) * count / chunks); b < end; b++)
                item(b, pass, buffer);
        });
        for (int j = 0; j < gradient.Layers.Length; j++)
        {
            var g = gradient.Layers[j];
            _chunkGradients[0][j].AsSpan().CopyTo(g);
            for (int k = 1; k < chunks; k++) TensorPrimitives.Add(g, _chunkGradients[k][j], g);
        }
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

using CritDiff.Diffusion;

namespace CritDiff.Generation;

/// <summary>
/// Generation in real space from any <see cref="TimeScore"/> (linear or not; docs/science.md sections 7 and 10): the reverse
/// SDE dy = [-f y + g^2 s(y, t)] dtau + g dW or the probability-flow ODE dy = F dtau, F = -f y + (g^2/2) s(y, t), from
/// y ~ N(0, b(T)^2 I) at t = T down to t_min over the settings' grid times t_i and steps h_i, with any <see cref="Sampler"/> of <see cref="Samplers"/> (its predictor's
/// and corrector's real-space steps). When asked (<see cref="RealSpaceOptions.LogDensity"/>) a probability-flow sampler
/// (<see cref="Sampler.CarriesLogDensity"/>) carries the log-density as an augmented state: d log q / dtau = -div F,
/// div F = -f n V + (g^2/2) tr(ds/dx), integrated by the same rule as y, so log q(y(t_min)) = log N(y(T); 0, b(T)^2 I) -
/// sum over steps of the rule's div F terms, exact up to the ODE's own discretisation with the exact trace, or with
/// Hutchinson's estimate and its accumulated standard error per sample; with <see cref="TraceEstimator.Discrete"/> instead the exact
/// log-density of the discrete map, log q = log N(y(T)) - sum_k log |det D Phi_k|. Without it no trace is evaluated.
/// With <see cref="RealSpaceOptions.PathWeights"/> a Gaussian stochastic sampler (sde-em, sde-exp) carries instead the path's
/// effective log q = log N(y(T)) + sum_k [log r_k - log p_k] (its own steps r_k over the forward kernels p_k), whose
/// weights exp(-S - log q) are exact for any number of steps.
/// With <see cref="RealSpaceOptions.Denoise"/> a final Tweedie step x0 = (y + b^2 s(y, t_min)) / a(t_min) follows.
/// Samples are processed in fixed chunks of consecutive indices, each chunk by one thread with its own score replica,
/// and sample i draws only from RandomStream(seed, i) (and its probes from RandomStream(seed ^ key, i)): the same seed
/// gives bit-identical results for any thread count. The score and trace evaluations per sample are counted as the
/// steps call them.
/// </summary>
public static class RealSpaceSampler
{
    /// <summary>Samples per work item (even, so that paired Fourier transforms never depend on threads).</summary>
    internal const int Chunk = 16;

    /// <summary>
    /// Generates <paramref name="count"/> configurations at t_min. <paramref name="progress"/> receives the number of
    /// finished samples after each chunk; <paramref name="maxDegreeOfParallelism"/> (-1: all cores) never changes results.
    /// </summary>
    /// <remarks><paramref name="options"/> (default <see cref="RealSpaceOptions.None"/>): a log-density needs a probability-flow
    /// sampler, and Hutchinson's estimator a score with Jacobian-vector products.</remarks>
    public static RealSpaceSamples Generate(TimeScore score, ForwardProcess process, GenerationSettings settings, int count, ulong seed,
        IProgress<int>? progress = null, int maxDegreeOfParallelism = -1, RealSpaceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(score);
        ArgumentNullException.ThrowIfNull(process);
        ArgumentNullException.ThrowIfNull(settings);
        options ??= RealSpaceOptions.None;
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "count must be >= 1");
        int width = score.ConfigurationLength;
        if ((long)count * width > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"{count} x {width} values exceed one array: generate in parts");
        var estimator = options.LogDensity;
        if (estimator is not null && !settings.Sampler.CarriesLogDensity)
            throw new ArgumentException($"sampler {settings.Sampler.Name} gives no log-density: only the probability-flow ODE (ode-heun) does", nameof(options));
        estimator?.Check(score);
        if (options.PathWeights && !settings.Sampler.CarriesPathWeight)
            throw new ArgumentException($"sampler {settings.Sampler.Name} gives no path weights: only a Gaussian stochastic step without a corrector (sde-em, sde-exp) does", nameof(options));
        var samples = new double[(long)count * width];
        bool carry = estimator is not null || options.PathWeights;
        var logDensity = carry ? new double[count] : null;
        var logDensityError = estimator is { HasError: true } ? new double[count] : null;
        int chunks = (count + Chunk - 1) / Chunk, done = 0, evaluations = 0, traces = 0;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism };
        Parallel.For(0, chunks, parallel, () => new ReverseChunk(score.Replica(), width, estimator), (c, _, work) =>
        {
            int first = c * Chunk, size = Math.Min(Chunk, count - first);
            Run(work, process, settings, options, seed, first, size, samples.AsSpan(first * width, size * width),
                carry ? logDensity.AsSpan(first, size) : default);
            if (logDensityError is not null)
                for (int i = 0; i < size; i++) logDensityError[first + i] = Math.Sqrt(work.LogDensityVariance[i]);
            // Every chunk runs the same steps: any one's count is the count per sample.
            Interlocked.Exchange(ref evaluations, work.ScoreEvaluations);
            Interlocked.Exchange(ref traces, work.TraceEvaluations);
            progress?.Report(Interlocked.Add(ref done, size));
            return work;
        }, _ => { });
        return new RealSpaceSamples(count, width, samples, logDensity, evaluations)
        {
            LogDensityError = logDensityError,
            LogDensityMethod = estimator,
            PathWeights = options.PathWeights,
            TraceEvaluations = traces,
            Denoised = options.Denoise,
        };
    }

    /// <summary>Draws the start of one chunk (and its log-density) and runs every step on it in place, then the denoising step.</summary>
    private static void Run(ReverseChunk chunk, ForwardProcess process, GenerationSettings settings, RealSpaceOptions options, ulong seed,
        int first, int size, Span<double> y, Span<double> logDensity)
    {
        int width = chunk.Width;
        double start = Math.Sqrt(process.NoiseVariance(settings.FinalTime));
        chunk.Start(seed, first, size);
        for (int i = 0; i < size; i++)
        {
            var yi = y.Slice(i * width, width);
            chunk.Streams[i].FillGaussian(yi);
            double squares = 0;
            for (int j = 0; j < width; j++)
            {
                squares += yi[j] * yi[j];
                yi[j] *= start;
            }
            // log N(y; 0, b^2 I) with y = b z: -|z|^2/2 - (n V/2) ln(2 pi b^2).
            if (!logDensity.IsEmpty) logDensity[i] = -0.5 * squares - 0.5 * width * Math.Log(2 * Math.PI * start * start);
        }
        for (int step = 0; step < settings.Steps; step++)
            settings.Sampler.Step(chunk, process, settings.TimeAt(step), settings.StepSizeAt(step), y, size, logDensity);
        if (options.Denoise) Denoise(chunk, process, settings.MinTime, y, size);
    }

    /// <summary>
    /// Tweedie's formula at t = t_min: E[x0 | y] = (y + b^2 s(y, t)) / a for the noised law y = a x0 + b z, one score
    /// evaluation (the posterior mean of the clean configuration, not a sample of it).
    /// </summary>
    private static void Denoise(ReverseChunk chunk, ForwardProcess process, double t, Span<double> y, int size)
    {
        var s = chunk.Score(t, y, size);
        double a = process.SignalScale(t), b2 = process.NoiseVariance(t);
        for (int j = 0; j < y.Length; j++) y[j] = (y[j] + b2 * s[j]) / a;
    }
}

using CritDiff.MonteCarlo;
using CritDiff.Statistics;

namespace CritDiff.Training;

/// <summary>
/// Configurations from one Markov chain of <see cref="Kernel"/> on its model: <see cref="Thermalization"/> sweeps
/// (step size tuned towards the kernel's target acceptance during the first half, as <c>ModelMcmc</c> does), then one
/// configuration kept every <see cref="Spacing"/> sweeps. Consecutive draws are correlated (their autocorrelation time
/// in draws is about tau_int / spacing): minibatches are not independent, and the gradient noise differs from that of
/// independent samples. The chain runs on its own stream (Seed, Stream) and ignores the stream passed to
/// <see cref="SampleSource.Draw"/>; <see cref="Fork"/> gives a fresh chain per consumer (stream mixed from this one's and the
/// consumer's) so results do not depend on
/// thread count or on the order consumers run in. Not thread-safe.
/// </summary>
public sealed class MarkovChainSource : SampleSource
{
    private ModelChain? _chain;

    /// <summary>A chain of <paramref name="kernel"/> keyed by (<paramref name="seed"/>, <paramref name="stream"/>).</summary>
    public MarkovChainSource(ModelKernel kernel, ulong seed, int thermalization, int spacing, ulong stream = 0)
        : base((kernel ?? throw new ArgumentNullException(nameof(kernel))).Model.Lattice, kernel.Model.Components)
    {
        if (thermalization < 0) throw new ArgumentOutOfRangeException(nameof(thermalization), thermalization, "thermalisation must be >= 0 sweeps");
        if (spacing < 1) throw new ArgumentOutOfRangeException(nameof(spacing), spacing, "spacing must be >= 1 sweep");
        Kernel = kernel;
        Seed = seed;
        Stream = stream;
        Thermalization = thermalization;
        Spacing = spacing;
    }

    /// <summary>The Markov kernel (and through it the target model).</summary>
    public ModelKernel Kernel { get; }

    /// <summary>Root seed of the chain.</summary>
    public ulong Seed { get; }

    /// <summary>The chain's stream index.</summary>
    public ulong Stream { get; }

    /// <summary>Sweeps before the first kept configuration (at least the kernel's calibration sweeps for Wolff).</summary>
    public int Thermalization { get; }

    /// <summary>Sweeps between kept configurations.</summary>
    public int Spacing { get; }

    /// <summary>Sweeps run so far (0 until the first draw).</summary>
    public long SweepCount => _chain?.SweepCount ?? 0;

    /// <inheritdoc />
    protected override void DrawCore(Span<double> x0, int count, ref RandomStream rng)
    {
        var chain = _chain ??= Start();
        int length = ConfigurationLength;
        for (int b = 0; b < count; b++)
        {
            for (int s = 0; s < Spacing; s++) Kernel.Sweep(chain);
            chain.Configuration.AsSpan().CopyTo(x0.Slice(b * length, length));
        }
    }

    private ModelChain Start()
    {
        var chain = new ModelChain(Kernel.Model, Seed, Stream, Kernel.DefaultStepSize);
        int sweeps = ModelMcmc.ThermalizationFor(Kernel, Thermalization), tuning = sweeps / 2;
        for (int t = 0; t < sweeps; t++)
        {
            double acceptance = Kernel.Sweep(chain);
            if (Kernel.TargetAcceptance is { } goal && t < tuning) StepSizeTuner.Update(chain, acceptance, goal, t, Kernel.MaxStepSize);
        }
        return chain;
    }

    /// <inheritdoc />
    public override SampleSource Fork(ulong stream) =>
        new MarkovChainSource(Kernel, Seed, Thermalization, Spacing, unchecked(Stream * 0x9E3779B97F4A7C15UL + stream + 1));

    /// <inheritdoc />
    public override bool IsStateless => false;

    /// <inheritdoc />
    public override string Describe() =>
        $"Markov chain: {Kernel.Name} on {Kernel.Model.Describe()}, {Thermalization} thermalisation sweeps, one configuration every {Spacing} sweeps (correlated draws)";
}

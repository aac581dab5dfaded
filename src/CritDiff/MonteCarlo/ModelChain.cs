using System.Numerics;
using CritDiff.Fields;
using CritDiff.Statistics;

namespace CritDiff.MonteCarlo;

/// <summary>
/// The mutable state of one Markov chain on a <see cref="LatticeModel"/>: the configuration (component-major,
/// n V values), its random stream keyed by (seed, chain) so that a chain never depends on thread count, the current
/// step size, the count of sweeps and of single-site updates done, and scratch the kernels reuse.
/// Start: O(n) spins point in random directions with |s|^2 = n (hot start); phi^4 and Gaussian fields start at 0.
/// </summary>
public sealed class ModelChain
{
    private RandomStream _random;
    private readonly double[]?[] _scratch = new double[6][];
    private int[]? _sites;
    private byte[]? _marks;
    private ClusterSchedule? _clusterSchedule;
    private Complex[]? _spectrum;
    private double _stepSize;

    /// <summary>Chain <paramref name="chain"/> of <paramref name="seed"/> for <paramref name="model"/>.</summary>
    public ModelChain(LatticeModel model, ulong seed, ulong chain, double stepSize)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
        Configuration = new double[model.ConfigurationLength];
        _random = new RandomStream(seed, chain);
        StepSize = stepSize;
        if (model.IsConstrained) RandomSpins(model, Configuration, ref _random);
    }

    /// <summary>The target model.</summary>
    public LatticeModel Model { get; }

    /// <summary>The configuration, component-major (component a at site x is element a V + x).</summary>
    public double[] Configuration { get; }

    /// <summary>The chain's random stream.</summary>
    public ref RandomStream Random => ref _random;

    /// <summary>Step size of kernels that have one (Metropolis proposal width, leapfrog step), > 0.</summary>
    public double StepSize
    {
        get => _stepSize;
        set => _stepSize = value > 0 && double.IsFinite(value) ? value : throw BadStepSize(value);
    }

    /// <summary>
    /// A step that is 0, infinite or NaN: a kernel's default step or the tuner's update under- or overflowed (couplings far
    /// outside the kernel's range). One line without a parameter name, naming the cause and the remedy (--step in the CLI).
    /// </summary>
    internal static ArgumentException BadStepSize(double value) => new(FormattableString.Invariant(
        $"step size must be > 0 and finite (got {value:G3}): the kernel's default or tuned step under- or overflowed at these couplings; give a fixed step size (--step)"));

    /// <summary>Sweeps done so far (thermalisation included).</summary>
    public long SweepCount { get; internal set; }

    /// <summary>Single-site updates done so far (a Wolff cluster of size C counts C; a Metropolis sweep V): the cost.</summary>
    public long SiteUpdates { get; internal set; }

    /// <summary>Scratch array number <paramref name="slot"/> (0..5), length n V.</summary>
    internal double[] Scratch(int slot) => _scratch[slot] ??= new double[Model.ConfigurationLength];

    /// <summary>Complex scratch of length V for Fourier transforms (one component at a time).</summary>
    internal Complex[] Spectrum => _spectrum ??= new Complex[Model.Lattice.SiteCount];

    /// <summary>Integer scratch of length V (cluster stacks, marks).</summary>
    internal int[] Sites => _sites ??= new int[Model.Lattice.SiteCount];

    /// <summary>Byte marks of length V (cluster membership), all zero between kernel calls.</summary>
    internal byte[] Marks => _marks ??= new byte[Model.Lattice.SiteCount];

    /// <summary>The chain's Wolff clusters per sweep (calibrated during its first sweeps).</summary>
    internal ClusterSchedule ClusterSchedule => _clusterSchedule ??= new ClusterSchedule();

    /// <summary>Independent uniformly random directions with |s|^2 = n at every site.</summary>
    internal static void RandomSpins(LatticeModel model, Span<double> configuration, ref RandomStream random)
    {
        int v = model.Lattice.SiteCount, n = model.Components;
        Span<double> u = stackalloc double[Math.Min(n, 64)];
        var spin = n <= 64 ? u : new double[n];
        for (int x = 0; x < v; x++)
        {
            double norm;
            do
            {
                norm = 0;
                for (int a = 0; a < n; a++)
                {
                    spin[a] = n == 1 ? (random.NextDouble() < 0.5 ? -1 : 1) : random.NextGaussian();
                    norm += spin[a] * spin[a];
                }
            } while (norm == 0);
            double scale = Math.Sqrt(n / norm);
            for (int a = 0; a < n; a++) configuration[a * v + x] = spin[a] * scale;
        }
    }
}

using System.Numerics;
using CritDiff.Lattices;
using CritDiff.Statistics;

namespace CritDiff.MonteCarlo;

/// <summary>
/// The mutable state of one Markov chain: the field configuration, its random stream (seeded by
/// (seed, chain index), so a chain's trajectory never depends on thread count), the current step size
/// and scratch buffers the kernels reuse (allocated on first use, never inside the sweep loop after that).
/// A chain starts cold (phi = 0).
/// </summary>
public sealed class ChainState
{
    private RandomStream _random;
    private readonly double[]?[] _scratch = new double[6][];
    private Complex[]? _spectrum;
    private double _stepSize;

    /// <summary>Chain <paramref name="chain"/> of <paramref name="seed"/> on <paramref name="lattice"/>, cold start.</summary>
    public ChainState(Lattice lattice, ulong seed, ulong chain, double stepSize)
    {
        Lattice = lattice ?? throw new ArgumentNullException(nameof(lattice));
        Field = new double[lattice.SiteCount];
        _random = new RandomStream(seed, chain);
        StepSize = stepSize;
    }

    /// <summary>The lattice.</summary>
    public Lattice Lattice { get; }

    /// <summary>The configuration phi(x), indexed like the lattice's sites.</summary>
    public double[] Field { get; }

    /// <summary>The chain's random stream.</summary>
    public ref RandomStream Random => ref _random;

    /// <summary>Step size (Metropolis proposal half-width, Langevin step epsilon, HMC leapfrog step), > 0.</summary>
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

    /// <summary>Scratch field number <paramref name="slot"/> (0..5), length V.</summary>
    internal double[] Scratch(int slot) => _scratch[slot] ??= new double[Lattice.SiteCount];

    /// <summary>Complex scratch of length V for Fourier transforms.</summary>
    internal Complex[] Spectrum => _spectrum ??= new Complex[Lattice.SiteCount];
}

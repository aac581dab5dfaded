using CritDiff.Diffusion;
using CritDiff.Lattices;
using CritDiff.Networks;

namespace CritDiff.Generation;

/// <summary>
/// A score s(x, t) of n-component configurations on a lattice as a function of diffusion time (t = 0 is
/// data), acting on real-space batches (count x n V values, component-major), with the exact trace of its
/// Jacobian, div s = sum_i d s_i / d x_i, per configuration: what the real-space reverse SDE/ODE
/// (<see cref="RealSpaceSampler"/>) and the probability-flow log-density (docs/science.md sections 7 and 10) need.
/// Implementations keep scratch buffers: use one instance per thread (<see cref="Replica"/>).
/// </summary>
public abstract class TimeScore
{
    /// <summary>Sets the common properties.</summary>
    protected TimeScore(Lattice lattice, int components)
    {
        ArgumentNullException.ThrowIfNull(lattice);
        if (components < 1) throw new ArgumentOutOfRangeException(nameof(components), components, "components must be >= 1");
        Lattice = lattice;
        Components = components;
    }

    /// <summary>The lattice.</summary>
    public Lattice Lattice { get; }

    /// <summary>Field components n.</summary>
    public int Components { get; }

    /// <summary>Length n V of one configuration.</summary>
    public int ConfigurationLength => Components * Lattice.SiteCount;

    /// <summary>
    /// s(x, t) of <paramref name="count"/> configurations (<paramref name="x"/>: count x n V values) into
    /// <paramref name="score"/> (same length).
    /// </summary>
    public abstract void Score(double t, ReadOnlySpan<double> x, int count, Span<double> score);

    /// <summary>
    /// The exact Jacobian trace sum_i d s_i(x, t) / d x_i of each of <paramref name="count"/> configurations into
    /// <paramref name="trace"/> (count values).
    /// </summary>
    public abstract void JacobianTrace(double t, ReadOnlySpan<double> x, int count, Span<double> trace);

    /// <summary>An equivalent score with its own buffers (for another thread).</summary>
    public abstract TimeScore Replica();

    /// <summary>
    /// Trained per-slice score models at increasing <paramref name="times"/>: between slices either the slice
    /// <see cref="ScoreSchedule"/> would use (the nearest one, ties to the earlier) or, with
    /// <paramref name="interpolate"/>, linear interpolation in t of the neighbours' scores and traces; clamped
    /// to the first or last slice outside the grid.
    /// </summary>
    public static SlicedScore Sliced(ScoreModel model, IReadOnlyList<double> times, IReadOnlyList<NetworkParameters> parameters,
        bool interpolate) => new(model, times, parameters, interpolate);

    /// <summary>
    /// The exact score of the Gaussian law with per-mode spectrum C(k) (<paramref name="spectrum"/>, V values,
    /// even in k; the same for each of <paramref name="components"/> components) noised by <paramref name="process"/>:
    /// s = -S(t)^-1 x per Fourier mode, S(k, t) = a^2 C(k) + b^2.
    /// </summary>
    public static GaussianScore ExactGaussian(Lattice lattice, int components, double[] spectrum, ForwardProcess process) =>
        new(lattice, components, spectrum, process);

    /// <summary>Throws unless a buffer holds <paramref name="count"/> blocks of <paramref name="width"/> values.</summary>
    protected static void CheckBatch(int length, int count, int width, string name)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "a batch needs at least one configuration");
        if (length != (long)count * width)
            throw new ArgumentException($"expected {count} x {width} values, got {length}", name);
    }

    /// <summary>Validates the spans of a <see cref="Score"/> call.</summary>
    protected void CheckScore(double t, int xLength, int count, int scoreLength)
    {
        ForwardProcess.CheckTime(t);
        CheckBatch(xLength, count, ConfigurationLength, "x");
        CheckBatch(scoreLength, count, ConfigurationLength, "score");
    }

    /// <summary>Validates the spans of a <see cref="JacobianTrace"/> call.</summary>
    protected void CheckTrace(double t, int xLength, int count, int traceLength)
    {
        ForwardProcess.CheckTime(t);
        CheckBatch(xLength, count, ConfigurationLength, "x");
        CheckBatch(traceLength, count, 1, "trace");
    }
}

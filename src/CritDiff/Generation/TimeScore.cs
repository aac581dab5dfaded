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
    private SiteColouring? _colouring;
    private double[] _tangent = [], _product = [];

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
    /// <paramref name="trace"/> (count values). By default the forward-mode trace over a colouring of the sites
    /// (<see cref="ColouredTrace"/>); scores with a cheaper exact form override it.
    /// </summary>
    public virtual void JacobianTrace(double t, ReadOnlySpan<double> x, int count, Span<double> trace) => ColouredTrace(t, x, count, trace);

    /// <summary>True when the score offers <see cref="JacobianVectorProduct"/> (then any exact or Hutchinson trace).</summary>
    public virtual bool HasJacobianVectorProduct => false;

    /// <summary>
    /// The lattice distance |y - x|_inf beyond which s(x, t) does not depend on x(y), or null when the score sees the
    /// whole lattice (then every site is its own colour in <see cref="ColouredTrace"/>).
    /// </summary>
    public virtual int? ReceptiveRange => null;

    /// <summary>
    /// The Jacobian-vector product (d s(x_i, t) / d x) v_i of each of <paramref name="count"/> configurations
    /// (<paramref name="x"/>, <paramref name="tangent"/>, <paramref name="product"/>: count x n V values), forward mode.
    /// Scores without one (<see cref="HasJacobianVectorProduct"/> false) throw <see cref="NotSupportedException"/>.
    /// </summary>
    public void JacobianVectorProduct(double t, ReadOnlySpan<double> x, ReadOnlySpan<double> tangent, int count, Span<double> product)
    {
        CheckScore(t, x.Length, count, product.Length);
        CheckBatch(tangent.Length, count, ConfigurationLength, nameof(tangent));
        if (!HasJacobianVectorProduct)
            throw new NotSupportedException($"{GetType().Name} offers no Jacobian-vector product (needed by the coloured exact trace and by Hutchinson's estimator)");
        JacobianVectorProductCore(t, x, tangent, count, product);
    }

    /// <summary>The work of <see cref="JacobianVectorProduct"/> on validated spans.</summary>
    protected virtual void JacobianVectorProductCore(double t, ReadOnlySpan<double> x, ReadOnlySpan<double> tangent, int count, Span<double> product) =>
        throw new NotSupportedException($"{GetType().Name} offers no Jacobian-vector product");

    /// <summary>
    /// The exact Jacobian trace by forward mode over a colouring of the sites (<see cref="SiteColouring"/>): for each
    /// component a and colour class, one Jacobian-vector product with tangent 1 on component a at every site of the class,
    /// batched over the <paramref name="count"/> configurations; the product at each class site x is d s_a(x) / d x_a(x),
    /// since the sites of a class lie farther apart than <see cref="ReceptiveRange"/>. Cost: n P^d products per trace
    /// (P^d classes; n V for a score that sees the whole lattice).
    /// </summary>
    public void ColouredTrace(double t, ReadOnlySpan<double> x, int count, Span<double> trace)
    {
        CheckTrace(t, x.Length, count, trace.Length);
        var colouring = _colouring ??= SiteColouring.For(Lattice, ReceptiveRange);
        int width = ConfigurationLength, v = Lattice.SiteCount;
        if (_tangent.Length < count * width)
        {
            _tangent = new double[count * width];
            _product = new double[count * width];
        }
        var tangent = _tangent.AsSpan(0, count * width);
        var product = _product.AsSpan(0, count * width);
        trace.Clear();
        for (int a = 0; a < Components; a++)
            foreach (int[] sites in colouring.Classes)
            {
                tangent.Clear();
                for (int i = 0; i < count; i++)
                    foreach (int site in sites) tangent[i * width + a * v + site] = 1;
                JacobianVectorProduct(t, x, tangent, count, product);
                for (int i = 0; i < count; i++)
                {
                    double sum = 0;
                    foreach (int site in sites) sum += product[i * width + a * v + site];
                    trace[i] += sum;
                }
            }
    }

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

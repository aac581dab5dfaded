using CritDiff.Networks;

namespace CritDiff.Generation;

/// <summary>
/// A <see cref="TimeScore"/> from a per-slice <see cref="ScoreModel"/> trained at increasing times t_j. Between slices
/// it uses the slice the linear <see cref="ScoreSchedule"/> uses (a time on the grid: that slice; otherwise the nearest,
/// ties to the earlier) or, when interpolating, s = (1 - w) s_j + w s_{j+1} with w = (t - t_j)/(t_{j+1} - t_j), and the
/// same weights for the Jacobian trace (exact for the interpolated score); outside the grid the first or last slice.
/// Uses <see cref="ScoreModel.Forward"/> and <see cref="ScoreModel.JacobianDiagonal"/>, and the model's Jacobian-vector
/// product where it has one.
/// </summary>
public sealed class SlicedScore : TimeScore
{
    private readonly ScoreModel _model;
    private readonly double[] _times;
    private readonly NetworkParameters[] _parameters;
    private double[] _scratch = [];

    internal SlicedScore(ScoreModel model, IReadOnlyList<double> times, IReadOnlyList<NetworkParameters> parameters, bool interpolate)
        : base((model ?? throw new ArgumentNullException(nameof(model))).Lattice, model.Components)
    {
        ArgumentNullException.ThrowIfNull(times);
        ArgumentNullException.ThrowIfNull(parameters);
        if (times.Count == 0 || times.Count != parameters.Count)
            throw new ArgumentException("need one parameter set per slice time", nameof(parameters));
        for (int j = 0; j < times.Count; j++)
        {
            Diffusion.ForwardProcess.CheckTime(times[j]);
            if (j > 0 && !(times[j] > times[j - 1])) throw new ArgumentException("slice times must increase", nameof(times));
            model.CheckLayout(parameters[j], nameof(parameters));
        }
        _model = model;
        _times = times.ToArray();
        _parameters = parameters.ToArray();
        Interpolate = interpolate;
    }

    /// <summary>True when scores are interpolated linearly in t between slices.</summary>
    public bool Interpolate { get; }

    /// <summary>The slice times.</summary>
    public IReadOnlyList<double> Times => _times;

    /// <inheritdoc />
    public override void Score(double t, ReadOnlySpan<double> x, int count, Span<double> score)
    {
        CheckScore(t, x.Length, count, score.Length);
        var (lower, upper, w) = Slices(t);
        _model.Forward(_parameters[lower], x, count, score);
        if (w == 0) return;
        var other = Scratch(score.Length);
        _model.Forward(_parameters[upper], x, count, other);
        for (int i = 0; i < score.Length; i++) score[i] = (1 - w) * score[i] + w * other[i];
    }

    /// <inheritdoc />
    public override void JacobianTrace(double t, ReadOnlySpan<double> x, int count, Span<double> trace)
    {
        CheckTrace(t, x.Length, count, trace.Length);
        var (lower, upper, w) = Slices(t);
        var diagonal = Scratch(x.Length);
        _model.JacobianDiagonal(_parameters[lower], x, count, diagonal);
        SumRows(diagonal, trace, 1 - w, overwrite: true);
        if (w == 0) return;
        _model.JacobianDiagonal(_parameters[upper], x, count, diagonal);
        SumRows(diagonal, trace, w, overwrite: false);
    }

    /// <summary>True when the per-slice model offers a Jacobian-vector product.</summary>
    public override bool HasJacobianVectorProduct => _model.HasJacobianVectorProduct;

    /// <inheritdoc />
    public override int? ReceptiveRange => _model.ReceptiveRange;

    /// <summary>The per-slice model's product, interpolated between slices with the weights of <see cref="Score"/>.</summary>
    protected override void JacobianVectorProductCore(double t, ReadOnlySpan<double> x, ReadOnlySpan<double> tangent, int count, Span<double> product)
    {
        var (lower, upper, w) = Slices(t);
        _model.JacobianVectorProduct(_parameters[lower], x, tangent, count, product);
        if (w == 0) return;
        var other = Scratch(product.Length);
        _model.JacobianVectorProduct(_parameters[upper], x, tangent, count, other);
        for (int i = 0; i < product.Length; i++) product[i] = (1 - w) * product[i] + w * other[i];
    }

    /// <inheritdoc />
    public override TimeScore Replica() => new SlicedScore(_model.Replica(), _times, _parameters, Interpolate);

    /// <summary>(lower slice, upper slice, weight of the upper one); weight 0 means the lower slice alone.</summary>
    internal (int Lower, int Upper, double Weight) Slices(double t)
    {
        int upper = Array.BinarySearch(_times, t);
        if (upper >= 0) return (upper, upper, 0);
        upper = ~upper; // first slice with time > t
        if (upper == 0) return (0, 0, 0);
        if (upper == _times.Length) return (upper - 1, upper - 1, 0);
        int lower = upper - 1;
        if (!Interpolate)
        {
            int nearest = t - _times[lower] <= _times[upper] - t ? lower : upper;
            return (nearest, nearest, 0);
        }
        return (lower, upper, (t - _times[lower]) / (_times[upper] - _times[lower]));
    }

    private void SumRows(ReadOnlySpan<double> diagonal, Span<double> trace, double weight, bool overwrite)
    {
        int width = ConfigurationLength;
        for (int c = 0; c < trace.Length; c++)
        {
            double sum = 0;
            foreach (double d in diagonal.Slice(c * width, width)) sum += d;
            trace[c] = overwrite ? weight * sum : trace[c] + weight * sum;
        }
    }

    private Span<double> Scratch(int length)
    {
        if (_scratch.Length < length) _scratch = new double[length];
        return _scratch.AsSpan(0, length);
    }
}

using CritDiff.Diffusion;
using CritDiff.Networks;

namespace CritDiff.Generation;

/// <summary>
/// The <see cref="TimeScore"/> of a time-conditioned network (docs/science.md section 11): s(x, t) = net(c_in x, c) / b(t) with
/// c = ln b(t) and c_in = 1 / sqrt(a^2 + b^2), as the network was trained (<see cref="Training.ConditionedScoreMatching"/>); its
/// Jacobian trace is exact, c_in sum_j d net_j / d x_j / b from the model's <see cref="TimeConditionedModel.JacobianDiagonal(NetworkParameters, ReadOnlySpan{double}, ReadOnlySpan{double}, int, Span{double})"/>.
/// Generation uses the averaged (EMA) weights of a trained model by default (<c>Experiments.TrainedModel.Score</c>).
/// </summary>
public sealed class ConditionedScore : TimeScore
{
    private readonly TimeConditionedModel _model;
    private readonly NetworkParameters _parameters;
    private double[] _condition = [], _diagonal = [], _input = [];

    /// <summary>The score of <paramref name="model"/> with <paramref name="parameters"/> under <paramref name="process"/>.</summary>
    public ConditionedScore(TimeConditionedModel model, NetworkParameters parameters, ForwardProcess process)
        : base((model ?? throw new ArgumentNullException(nameof(model))).Lattice, model.Components)
    {
        ArgumentNullException.ThrowIfNull(process);
        model.CheckLayout(parameters, nameof(parameters));
        _model = model;
        _parameters = parameters;
        Process = process;
    }

    /// <summary>The forward process whose b(t) scales the network's output.</summary>
    public ForwardProcess Process { get; }

    /// <inheritdoc />
    public override void Score(double t, ReadOnlySpan<double> x, int count, Span<double> score)
    {
        CheckScore(t, x.Length, count, score.Length);
        double b = Math.Sqrt(Process.NoiseVariance(t));
        _model.Forward(_parameters, Scaled(x, t), Condition(count, Math.Log(b)), count, score);
        double inverse = 1 / b;
        for (int i = 0; i < score.Length; i++) score[i] *= inverse;
    }

    /// <inheritdoc />
    public override void JacobianTrace(double t, ReadOnlySpan<double> x, int count, Span<double> trace)
    {
        CheckTrace(t, x.Length, count, trace.Length);
        double b = Math.Sqrt(Process.NoiseVariance(t));
        if (_diagonal.Length < x.Length) _diagonal = new double[x.Length];
        var diagonal = _diagonal.AsSpan(0, x.Length);
        _model.JacobianDiagonal(_parameters, Scaled(x, t), Condition(count, Math.Log(b)), count, diagonal);
        double scale = Training.ConditionedScoreMatching.InputScale(Process, t) / b;
        int width = ConfigurationLength;
        for (int c = 0; c < count; c++)
        {
            double sum = 0;
            foreach (double d in diagonal.Slice(c * width, width)) sum += d;
            trace[c] = scale * sum;
        }
    }

    /// <inheritdoc />
    public override bool HasJacobianVectorProduct => true;

    /// <summary>c_in (d net / d x)(c_in x, c) v / b, the network's forward mode (for Hutchinson's trace and the coloured exact one).</summary>
    protected override void JacobianVectorProductCore(double t, ReadOnlySpan<double> x, ReadOnlySpan<double> tangent, int count, Span<double> product)
    {
        double b = Math.Sqrt(Process.NoiseVariance(t));
        _model.JacobianVectorProduct(_parameters, Scaled(x, t), Condition(count, Math.Log(b)), tangent, count, product);
        double inverse = Training.ConditionedScoreMatching.InputScale(Process, t) / b;
        for (int i = 0; i < product.Length; i++) product[i] *= inverse;
    }

    /// <inheritdoc />
    public override TimeScore Replica() => new ConditionedScore((TimeConditionedModel)_model.Replica(), _parameters, Process);

    /// <summary>c_in(t) x in a scratch buffer (x itself for VP, where c_in = 1).</summary>
    private ReadOnlySpan<double> Scaled(ReadOnlySpan<double> x, double t)
    {
        double scale = Training.ConditionedScoreMatching.InputScale(Process, t);
        if (scale == 1) return x;
        if (_input.Length < x.Length) _input = new double[x.Length];
        var scaled = _input.AsSpan(0, x.Length);
        for (int j = 0; j < x.Length; j++) scaled[j] = scale * x[j];
        return scaled;
    }

    private ReadOnlySpan<double> Condition(int count, double value)
    {
        if (_condition.Length < count) _condition = new double[count];
        var condition = _condition.AsSpan(0, count);
        condition.Fill(value);
        return condition;
    }
}

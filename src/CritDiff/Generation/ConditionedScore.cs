using CritDiff.Diffusion;
using CritDiff.Networks;

namespace CritDiff.Generation;

/// <summary>
/// The <see cref="TimeScore"/> of a time-conditioned network (docs/science.md section 11): s(x, t) = net(x, c) / b(t) with
/// c = ln b(t), as the network was trained (<see cref="Training.ConditionedScoreMatching"/>); its Jacobian trace is exact,
/// sum_j d net_j / d x_j / b from the model's <see cref="TimeConditionedModel.JacobianDiagonal(NetworkParameters, ReadOnlySpan{double}, ReadOnlySpan{double}, int, Span{double})"/>.
/// Generation uses the averaged (EMA) weights of a trained model by default (<c>Experiments.TrainedModel.Score</c>).
/// </summary>
public sealed class ConditionedScore : TimeScore
{
    private readonly TimeConditionedModel _model;
    private readonly NetworkParameters _parameters;
    private double[] _condition = [], _diagonal = [];

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
        _model.Forward(_parameters, x, Condition(count, Math.Log(b)), count, score);
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
        _model.JacobianDiagonal(_parameters, x, Condition(count, Math.Log(b)), count, diagonal);
        int width = ConfigurationLength;
        for (int c = 0; c < count; c++)
        {
            double sum = 0;
            foreach (double d in diagonal.Slice(c * width, width)) sum += d;
            trace[c] = sum / b;
        }
    }

    /// <inheritdoc />
    public override bool HasJacobianVectorProduct => true;

    /// <summary>(d net(x, c) / d x) v / b, the network's forward mode (for Hutchinson's trace and the coloured exact one).</summary>
    protected override void JacobianVectorProductCore(double t, ReadOnlySpan<double> x, ReadOnlySpan<double> tangent, int count, Span<double> product)
    {
        double b = Math.Sqrt(Process.NoiseVariance(t));
        _model.JacobianVectorProduct(_parameters, x, Condition(count, Math.Log(b)), tangent, count, product);
        double inverse = 1 / b;
        for (int i = 0; i < product.Length; i++) product[i] *= inverse;
    }

    /// <inheritdoc />
    public override TimeScore Replica() => new ConditionedScore((TimeConditionedModel)_model.Replica(), _parameters, Process);

    private ReadOnlySpan<double> Condition(int count, double value)
    {
        if (_condition.Length < count) _condition = new double[count];
        var condition = _condition.AsSpan(0, count);
        condition.Fill(value);
        return condition;
    }
}

using CritDiff.Lattices;
using CritDiff.Networks;
using CritDiff.Statistics;

namespace CritDiff.Tests.Training.TimeConditioned;

/// <summary>
/// A small time-conditioned test network acting on each value alone: net(x, c)_j = w1(c) x_j + w3(c) x_j^3 with
/// w_p(c) = sum_{m &lt; M} theta_p,m e^(m c) (polynomials in b = e^c). For VP white-noise data of variance C the exact
/// net* = -b x / (C + (1 - C) b^2) is such a w1 up to a polynomial fit in b; for C = 1 exactly (w1 = -b). Forward,
/// backward, Jacobian-vector product and diagonal written out. Layout: [theta_1 (M), theta_3 (M)].
/// </summary>
internal sealed class PerSiteConditionedModel(Lattice lattice, int components, int degree)
    : TimeConditionedModel(lattice, components, TestConditionedSpec.NameOf(degree))
{
    private double[] _x = [], _condition = [];
    private int _count;

    public int Degree => degree;

    public override IReadOnlyList<int> LayerLengths => [degree, degree];

    public override void Initialize(NetworkParameters parameters, double maxVariance, ref RandomStream rng)
    {
        CheckLayout(parameters, nameof(parameters));
        foreach (var layer in parameters.Layers)
            for (int m = 0; m < layer.Length; m++) layer[m] = 0.01 * rng.NextGaussian();
    }

    public (double W1, double W3) Weights(NetworkParameters p, double c)
    {
        double w1 = 0, w3 = 0, power = 1, b = Math.Exp(c);
        for (int m = 0; m < degree; m++, power *= b)
        {
            w1 += p.Layers[0][m] * power;
            w3 += p.Layers[1][m] * power;
        }
        return (w1, w3);
    }

    public override void Forward(NetworkParameters parameters, ReadOnlySpan<double> x, ReadOnlySpan<double> condition, int count, Span<double> output)
    {
        CheckBatch(x.Length, count, "x");
        CheckBatch(output.Length, count, "output");
        _x = x.ToArray();
        _condition = condition[..count].ToArray();
        _count = count;
        int width = ConfigurationLength;
        for (int i = 0; i < count; i++)
        {
            var (w1, w3) = Weights(parameters, condition[i]);
            for (int j = i * width; j < (i + 1) * width; j++) output[j] = w1 * x[j] + w3 * x[j] * x[j] * x[j];
        }
    }

    public override void Backward(NetworkParameters parameters, ReadOnlySpan<double> upstream, NetworkParameters gradient)
    {
        int width = ConfigurationLength;
        Array.Clear(gradient.Layers[0]);
        Array.Clear(gradient.Layers[1]);
        for (int i = 0; i < _count; i++)
        {
            double linear = 0, cubic = 0;
            for (int j = i * width; j < (i + 1) * width; j++)
            {
                linear += upstream[j] * _x[j];
                cubic += upstream[j] * _x[j] * _x[j] * _x[j];
            }
            double power = 1, b = Math.Exp(_condition[i]);
            for (int m = 0; m < degree; m++, power *= b)
            {
                gradient.Layers[0][m] += power * linear;
                gradient.Layers[1][m] += power * cubic;
            }
        }
    }

    public override void JacobianVectorProduct(NetworkParameters parameters, ReadOnlySpan<double> x, ReadOnlySpan<double> condition,
        ReadOnlySpan<double> tangent, int count, Span<double> product)
    {
        int width = ConfigurationLength;
        for (int i = 0; i < count; i++)
        {
            var (w1, w3) = Weights(parameters, condition[i]);
            for (int j = i * width; j < (i + 1) * width; j++) product[j] = (w1 + 3 * w3 * x[j] * x[j]) * tangent[j];
        }
    }

    public override void JacobianDiagonal(NetworkParameters parameters, ReadOnlySpan<double> x, ReadOnlySpan<double> condition, int count,
        Span<double> diagonal)
    {
        int width = ConfigurationLength;
        for (int i = 0; i < count; i++)
        {
            var (w1, w3) = Weights(parameters, condition[i]);
            for (int j = i * width; j < (i + 1) * width; j++) diagonal[j] = w1 + 3 * w3 * x[j] * x[j];
        }
    }

    public override ScoreModel Replica() => new PerSiteConditionedModel(Lattice, Components, degree);
}

/// <summary>The spec of <see cref="PerSiteConditionedModel"/> ("test-site:M"), outside the catalog: checkpoints load it through the internal resolver.</summary>
internal sealed record TestConditionedSpec(int Degree) : ScoreModelSpec
{
    public static string NameOf(int degree) => FormattableString.Invariant($"test-site:{degree}");

    public override string Name => NameOf(Degree);

    public override bool IsLinear => false;

    public override bool IsTimeConditioned => true;

    public override long ParameterCount(Lattice lattice, int components) => 2 * Degree;

    public override void Validate(Lattice lattice)
    {
    }

    public override ScoreModel Create(Lattice lattice, int components, int maxThreads = 0) => new PerSiteConditionedModel(lattice, components, Degree);

    /// <summary>Parses "test-site:M", else the catalog.</summary>
    public static ScoreModelSpec Resolve(string text) =>
        text.StartsWith("test-site:", StringComparison.Ordinal) ? new TestConditionedSpec(int.Parse(text[10..], System.Globalization.CultureInfo.InvariantCulture)) : ScoreModelSpec.Parse(text);
}

using System.Globalization;
using CritDiff.Statistics;

namespace CritDiff.Networks;

/// <summary>
/// Where training starts (docs/science.md section 5). Every start has the same initial product multiplier
/// -X (X the initial scale) except for the random perturbation:
/// <list type="bullet">
/// <item><c>balanced</c>: K_1..K_{D-1} = c delta, K_D = -c delta, c^D = X. For two local layers the set
/// K_2 = -K_1 is invariant under GD and SGD, so the run stays on it.</item>
/// <item><c>unbalanced[:R]</c>: the balanced start with the first layer multiplied by R and the last
/// divided by R (default R = 2): the same product, off the invariant set. Equal to balanced for D = 1.</item>
/// <item><c>random:S</c>: the balanced start plus independent normal noise of standard deviation S x c on
/// every stored kernel entry (S absolute when c = 0, e.g. a one-layer start at K = 0). Kernel basis only.</item>
/// </list>
/// </summary>
public sealed record NetworkStart
{
    private NetworkStart(string kind, double value)
    {
        Kind = kind;
        Value = value;
    }

    /// <summary>The default start.</summary>
    public static NetworkStart Balanced { get; } = new("balanced", 1);

    /// <summary>"balanced", "unbalanced" or "random".</summary>
    public string Kind { get; }

    /// <summary>R for unbalanced, S for random, 1 for balanced.</summary>
    public double Value { get; }

    /// <summary>True for starts that draw random numbers (they depend on the seed).</summary>
    public bool IsRandom => Kind == "random";

    /// <summary>An unbalanced start with layer ratio <paramref name="ratio"/> &gt; 0.</summary>
    public static NetworkStart Unbalanced(double ratio) =>
        ratio > 0 && double.IsFinite(ratio) ? new("unbalanced", ratio) : throw new ArgumentOutOfRangeException(nameof(ratio), ratio, "ratio must be > 0");

    /// <summary>A randomly perturbed balanced start with relative noise <paramref name="scale"/> &gt;= 0.</summary>
    public static NetworkStart Random(double scale) =>
        scale >= 0 && double.IsFinite(scale) ? new("random", scale) : throw new ArgumentOutOfRangeException(nameof(scale), scale, "scale must be >= 0");

    /// <summary>Parses balanced, unbalanced, unbalanced:R (R &gt; 0) or random:S (S &gt;= 0); throws <see cref="FormatException"/> naming the forms.</summary>
    public static NetworkStart Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Trim().ToLowerInvariant().Split(':');
        try
        {
            return parts switch
            {
                ["balanced"] => Balanced,
                ["unbalanced"] => Unbalanced(2),
                ["unbalanced", var r] => Unbalanced(Number(r)),
                ["random", var s] => Random(Number(s)),
                _ => throw new FormatException(),
            };
        }
        catch (Exception e) when (e is FormatException or ArgumentOutOfRangeException)
        {
            throw new FormatException($"unknown start '{text}': use balanced, unbalanced[:R] (R > 0) or random:S (S >= 0)");
        }
    }

    private static double Number(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary>Writes this start with initial scale <paramref name="scale"/> into <paramref name="parameters"/>.</summary>
    public void Initialize(LinearMomentNetwork network, NetworkParameters parameters, double scale, ref RandomStream rng)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(parameters);
        network.InitializeBalanced(parameters, scale);
        int depth = parameters.Layers.Length;
        double c = Math.Pow(scale, 1.0 / depth);
        switch (Kind)
        {
            case "unbalanced" when depth > 1:
                foreach (ref double p in parameters.Layers[0].AsSpan()) p *= Value;
                foreach (ref double p in parameters.Layers[^1].AsSpan()) p /= Value;
                break;
            case "random":
                if (network.Basis == ParameterBasis.Fourier)
                    throw new ArgumentException("the random start needs the kernel basis (Fourier parameters would give complex kernels)");
                double sigma = c > 0 ? Value * c : Value;
                foreach (var layer in parameters.Layers)
                    for (int i = 0; i < layer.Length; i++) layer[i] += sigma * rng.NextGaussian();
                break;
        }
    }

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        "balanced" => "balanced",
        _ => string.Create(CultureInfo.InvariantCulture, $"{Kind}:{Value:R}"),
    };
}

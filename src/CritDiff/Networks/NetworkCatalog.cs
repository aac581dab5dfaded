using CritDiff.Lattices;

namespace CritDiff.Networks;

/// <summary>
/// One family of score networks in the <see cref="NetworkCatalog"/>: the names it claims on the command line, how it parses
/// them into a typed <see cref="ScoreModelSpec"/>, its syntax for help texts and errors, and example names (small enough for
/// a 3^d lattice) that the catalog's contract tests run through every check. A new network is a folder with its spec, its
/// <see cref="ScoreModel"/>, and one family line in <see cref="NetworkCatalog.Families"/>.
/// </summary>
/// <param name="Name">The family's name (e.g. "linear").</param>
/// <param name="Syntax">Its accepted forms, for help texts and error messages.</param>
/// <param name="Claims">True for a command-line name of this family (then only this family parses it).</param>
/// <param name="Parse">Parses a claimed name; throws <see cref="FormatException"/> with the accepted forms.</param>
/// <param name="Examples">
/// Small names of this family, for the contract tests: they run on sides 8, 4 and 3 in d = 1, 2, 3, or on the next side an
/// example fits (a unet:C:1 runs on 4^3).
/// </param>
/// <param name="SamplesOnly">True when its networks have no moment objective: they train on samples only (the default mode).</param>
public sealed record NetworkFamily(
    string Name, string Syntax, Func<string, bool> Claims, Func<string, ScoreModelSpec> Parse, IReadOnlyList<string> Examples,
    bool SamplesOnly);

/// <summary>
/// Every score network CritDiff can train, sweep and sample from, by family: the linear networks (products of convolutions
/// or one dense matrix; they also offer the moment objective and the exact Fourier-multiplier closed forms) and the
/// nonlinear local convolutional networks and the time-conditioned U-Net. <see cref="Parse(string)"/> is the one place a command-line network name becomes a typed
/// <see cref="ScoreModelSpec"/>; the named networks the studies use by default are here too, so that no code outside
/// <c>Networks</c> spells a network's name.
/// </summary>
public static class NetworkCatalog
{
    /// <summary>The families, in the order help texts list them.</summary>
    public static IReadOnlyList<NetworkFamily> Families { get; } =
    [
        new("linear", Architecture.Syntax,
            Architecture.Claims,
            text => new LinearModelSpec(Architecture.Parse(text)),
            ["one-layer", "two-layer", "one-layer-local:1", "two-layer-local:1", "deep:3", "deep-local:2:1", "layers:local:1,full", "dense"],
            SamplesOnly: false),
        new("nonlinear convolution", ConvSpec.Syntax,
            ConvSpec.Claims,
            text => new NonlinearConvModelSpec(ConvSpec.Parse(text)),
            ["conv:2:1", "conv:2:1:2:silu", "conv:2:1:identity:odd", "conv:3:0:tanh:odd"],
            SamplesOnly: true),
        new("time-conditioned U-Net", UNetSpec.Syntax, UNetSpec.Claims, UNetSpec.Parse, ["unet:2:1", "unet:2:1:odd"], SamplesOnly: true),
    ];

    /// <summary>The accepted forms of every family, for help texts.</summary>
    public static string Syntax => string.Join("; or ", Families.Select(f => f.Syntax));

    /// <summary>
    /// Parses a command-line network name with the family that claims it; throws <see cref="FormatException"/> naming the
    /// accepted forms: those of the claiming family (a malformed conv:... name is told the conv forms), or of every family
    /// for a name no family claims.
    /// </summary>
    public static ScoreModelSpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var family = FamilyOf(text)
            ?? throw new FormatException($"unknown network '{text.Trim()}': use {Syntax}");
        return family.Parse(text);
    }

    /// <summary>
    /// The linear architecture of a network that has the moment objective (population or empirical training, the exact
    /// per-mode law); throws <see cref="FormatException"/> for an unknown name (every family's forms) or a network that
    /// trains on samples only.
    /// </summary>
    public static Architecture ParseMomentArchitecture(string text)
    {
        var spec = Parse(text);
        return spec.MomentArchitecture
            ?? throw new FormatException($"network '{spec.Name}' has no moment objective (population or empirical training): it trains on samples only (--mode samples)");
    }

    /// <summary>The family that claims a name (well-formed or not), or null for a name no family claims.</summary>
    public static NetworkFamily? FamilyOf(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Families.FirstOrDefault(f => f.Claims(text));
    }

    /// <summary>Parses a name and checks it fits <paramref name="lattice"/>; throws <see cref="FormatException"/> or <see cref="ArgumentException"/>.</summary>
    public static ScoreModelSpec Parse(string text, Lattice lattice)
    {
        var spec = Parse(text);
        spec.Validate(lattice);
        return spec;
    }

    /// <summary>One full-range convolution layer: the network that represents the exact Gaussian score with V parameters.</summary>
    public static LinearModelSpec OneLayer { get; } = Linear("one-layer");

    /// <summary>Two full-range convolution layers.</summary>
    public static LinearModelSpec TwoLayer { get; } = Linear("two-layer");

    /// <summary>Two local convolution layers of range <paramref name="range"/>.</summary>
    public static LinearModelSpec TwoLayerLocal(int range) => Linear(FormattableString.Invariant($"two-layer-local:{range}"));

    /// <summary>One local convolution layer of range <paramref name="range"/>.</summary>
    public static LinearModelSpec OneLayerLocal(int range) => Linear(FormattableString.Invariant($"one-layer-local:{range}"));

    /// <summary>Local convolution layers of the given ranges, first applied first (layers:local:R1,local:R2,...).</summary>
    public static LinearModelSpec LocalLayers(params int[] ranges) =>
        Linear("layers:" + string.Join(',', ranges.Select(r => FormattableString.Invariant($"local:{r}"))));

    /// <summary>A local convolution layer of range <paramref name="range"/> followed by a full one (layers:local:R,full).</summary>
    public static LinearModelSpec LocalThenFull(int range) => Linear(FormattableString.Invariant($"layers:local:{range},full"));

    /// <summary>
    /// The name of the small odd nonlinear network of the nonlinear study (3 hidden channels of range 1, tanh, no biases) in
    /// the short form its stored runs are keyed by (its canonical <see cref="ScoreModelSpec.Name"/> spells out tanh).
    /// </summary>
    public const string SmallOddConvolutionName = "conv:3:1:odd";

    /// <summary>The small odd nonlinear network of the nonlinear study.</summary>
    public static NonlinearConvModelSpec SmallOddConvolution { get; } = new(ConvSpec.Parse(SmallOddConvolutionName));

    private static LinearModelSpec Linear(string name) => new(Architecture.Parse(name));
}

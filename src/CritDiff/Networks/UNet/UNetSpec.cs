using System.Globalization;
using CritDiff.Lattices;

namespace CritDiff.Networks;

/// <summary>
/// The time-conditioned multiscale score network of issue 22 (docs/architecture.md, "The time-conditioned U-Net"): periodic 3^d
/// convolutions in residual blocks at resolutions L, L/2, ..., L/2^levels (average-pool down, nearest up-sample back,
/// skip connections), conditioned on c = log sigma(t) through sinusoidal features, one dense SiLU layer and a per-block
/// FiLM map. Parameters O(C^2 levels), independent of V; translation equivariant under shifts by multiples of
/// 2^levels. With <paramref name="Odd"/>: tanh, no biases, FiLM scale only, so net(-x, c) = -net(x, c) exactly.
/// Named on the command line as unet:C:levels[:odd] (see <see cref="Parse"/>).
/// </summary>
/// <param name="Channels">Hidden channels C, 1..<see cref="MaxChannels"/>.</param>
/// <param name="Levels">Down-sampling levels, 1..<see cref="MaxLevels"/>: L must be divisible by 2^levels with L / 2^levels &gt;= 2.</param>
/// <param name="Odd">Sign symmetry: tanh, no biases, FiLM scale only.</param>
public sealed record UNetSpec(int Channels, int Levels, bool Odd = false) : ScoreModelSpec
{
    /// <summary>Most hidden channels.</summary>
    public const int MaxChannels = 256;

    /// <summary>Most levels (2^levels &lt;= L, and L is at most a few hundred).</summary>
    public const int MaxLevels = 12;

    /// <summary>The accepted forms, for help texts.</summary>
    public const string Syntax =
        "unet:C:levels[:odd] (time-conditioned U-Net: C hidden channels, levels halvings of L; L divisible by 2^levels with L/2^levels >= 2)";

    private const string Forms = "use unet:C:levels or unet:C:levels:odd with 1 <= C <= 256 and 1 <= levels <= 12 (e.g. unet:32:3, unet:16:2:odd)";

    /// <summary>True for a name of this family: it starts with "unet" (then only <see cref="Parse"/> reads it).</summary>
    public static bool Claims(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Trim().StartsWith("unet", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Parses unet:C:levels[:odd]; throws <see cref="FormatException"/> with the accepted forms otherwise.</summary>
    public static new UNetSpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Trim().ToLowerInvariant().Split(':');
        if (parts.Length is < 3 or > 4 || parts[0] != "unet") throw Error(text, "expected unet:C:levels[:odd]");
        int channels = ParseInteger(text, parts[1], "C");
        int levels = ParseInteger(text, parts[2], "levels");
        if (channels < 1 || channels > MaxChannels) throw Error(text, $"C = {channels} is out of range");
        if (levels < 1 || levels > MaxLevels) throw Error(text, $"levels = {levels} is out of range");
        if (parts.Length == 4 && parts[3] != "odd") throw Error(text, $"unknown token '{parts[3]}'");
        return new UNetSpec(channels, levels, parts.Length == 4);
    }

    /// <summary>The canonical name, e.g. "unet:32:3", "unet:16:2:odd".</summary>
    public override string Name => string.Create(CultureInfo.InvariantCulture, $"unet:{Channels}:{Levels}") + (Odd ? ":odd" : "");

    /// <inheritdoc />
    public override bool IsLinear => false;

    /// <inheritdoc />
    public override bool IsTimeConditioned => true;

    /// <summary>
    /// 8 C, so that the memory estimate (3 values per hidden channel and input value) covers the 24 C V values a sample's
    /// cache can hold: 5 C values per site in each block (h, act(h), z, f, act(f)), two blocks at each level and the
    /// bottleneck, levels below the top costing 2^-d as much each (at most as much again for d = 1), and the final act(h).
    /// </summary>
    public override int HiddenChannels => checked(8 * Channels);

    /// <summary>Sinusoidal features of c: E = 2 max(4, C / 2) (C / 2 rounded down).</summary>
    public int EmbeddingSize => 2 * Math.Max(4, Channels / 2);

    /// <summary>Residual blocks: one per level in the encoder and in the decoder, and the bottleneck.</summary>
    public int BlockCount => 2 * Levels + 1;

    /// <summary>
    /// Throws <see cref="ArgumentException"/> unless d is 1..3, L is divisible by 2^levels and L / 2^levels &gt;= 2,
    /// and the fields are in range.
    /// </summary>
    public override void Validate(Lattice lattice)
    {
        ArgumentNullException.ThrowIfNull(lattice);
        if (Channels < 1 || Channels > MaxChannels)
            throw new ArgumentException($"{Name}: channels C must be in 1..{MaxChannels}", nameof(Channels));
        if (Levels < 1 || Levels > MaxLevels)
            throw new ArgumentException($"{Name}: levels must be in 1..{MaxLevels}", nameof(Levels));
        if (lattice.Dimension > 3)
            throw new ArgumentException($"{Name} supports d = 1, 2, 3 (d = {lattice.Dimension})", nameof(lattice));
        int factor = 1 << Levels;
        if (lattice.Length % factor != 0 || lattice.Length / factor < 2)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{Name} needs L divisible by {factor} with L/{factor} >= 2 (L = {lattice.Length}): use fewer levels or another L"), nameof(lattice));
    }

    /// <summary>
    /// Real parameters for n = <paramref name="components"/>, with K = 3^d, E = <see cref="EmbeddingSize"/>,
    /// B = 2 levels + 1: E C + C (embedding), B (2 C^2 + 2 C (FiLM) + 2 (K C^2 + C) (two convolutions)),
    /// K n C + C (lift), K C n (output); with odd no biases and no FiLM shift: E C + B (C^2 + 2 K C^2) + 2 K n C.
    /// </summary>
    public override long ParameterCount(Lattice lattice, int components)
    {
        ArgumentNullException.ThrowIfNull(lattice);
        if (components < 1) throw new ArgumentOutOfRangeException(nameof(components), components, "components must be >= 1");
        long k = (long)Math.Pow(3, lattice.Dimension), c = Channels, n = components, e = EmbeddingSize, b = BlockCount;
        return Odd
            ? e * c + b * (c * c + 2 * k * c * c) + 2 * k * n * c
            : e * c + c + b * (2 * c * c + 2 * c + 2 * (k * c * c + c)) + k * n * c + c + k * c * n;
    }

    /// <inheritdoc />
    public override ScoreModel Create(Lattice lattice, int components, int maxThreads = 0) =>
        new UNetNetwork(lattice, components, this, maxThreads);

    private static int ParseInteger(string text, string token, string what)
    {
        if (!int.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value))
            throw Error(text, $"{what} = '{token}' is not an integer");
        return value;
    }

    private static FormatException Error(string text, string reason) => new($"invalid unet network '{text}': {reason}; {Forms}");
}

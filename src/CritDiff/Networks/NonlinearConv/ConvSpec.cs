using System.Globalization;
using CritDiff.Lattices;

namespace CritDiff.Networks;

/// <summary>
/// A local convolutional score network per time slice (docs/science.md section 10, "Nonlinear networks"):
/// h^0 = x, h^l = sigma(K_l * h^(l-1) + b_l) for l = 1..D with <paramref name="Channels"/> channels each,
/// s = K_out * h^D + K_0 * x, every kernel on the cube |e|_inf &lt;= <paramref name="Range"/>.
/// With <paramref name="Odd"/> there are no biases, so for an odd activation s(-x) = -s(x) exactly.
/// Named on the command line as conv:C:R[:D][:tanh|silu|identity][:odd] (see <see cref="Parse"/>).
/// </summary>
/// <param name="Channels">Hidden channels C, 1..256.</param>
/// <param name="Range">Kernel range R &gt;= 0 (2R + 1 &lt;= L).</param>
/// <param name="Depth">Hidden layers D, 1..8.</param>
/// <param name="Activation">The nonlinearity sigma.</param>
/// <param name="Odd">Sign symmetry: no biases (needs an odd activation).</param>
public sealed record ConvSpec(int Channels, int Range, int Depth = 1, Activation Activation = Activation.Tanh, bool Odd = false)
{
    /// <summary>Most hidden channels.</summary>
    public const int MaxChannels = 256;

    /// <summary>Most hidden layers.</summary>
    public const int MaxDepth = 8;

    /// <summary>The accepted forms, for help texts.</summary>
    public const string Syntax = "conv:C:R[:D][:tanh|silu|identity][:odd] (nonlinear local convolutions: C hidden channels of range R, D hidden layers)";

    /// <summary>True for a name of this family: it starts with "conv" (then only <see cref="Parse"/> reads it).</summary>
    public static bool Claims(string text) => text.Trim().StartsWith("conv", StringComparison.OrdinalIgnoreCase);

    private const string Forms =
        "use conv:C:R, then optionally, in any order, D (hidden layers), tanh|silu|identity and odd, " +
        "with 1 <= C <= 256, R >= 0, 1 <= D <= 8 (e.g. conv:8:1, conv:4:1:2:silu, conv:4:1:tanh:odd)";

    /// <summary>The canonical name, e.g. "conv:8:1:tanh", "conv:4:1:2:silu", "conv:4:1:tanh:odd" (D shown when &gt; 1).</summary>
    public string Name =>
        string.Create(CultureInfo.InvariantCulture, $"conv:{Channels}:{Range}") +
        (Depth > 1 ? string.Create(CultureInfo.InvariantCulture, $":{Depth}") : "") +
        ":" + Activation.Token() + (Odd ? ":odd" : "");

    /// <summary>Kernel offsets per channel pair, (2R + 1)^d.</summary>
    public int KernelSize(Lattice lattice)
    {
        ArgumentNullException.ThrowIfNull(lattice);
        return checked((int)Math.Pow(2 * Range + 1, lattice.Dimension));
    }

    /// <summary>
    /// Parses conv:C:R followed by optional tokens in any order: an integer D (1..8), an activation
    /// tanh|silu|identity, and odd. Defaults D = 1, tanh, not odd. Throws <see cref="FormatException"/> with the
    /// accepted forms otherwise.
    /// </summary>
    public static ConvSpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Trim().ToLowerInvariant().Split(':');
        if (parts.Length < 3 || parts[0] != "conv") throw Error(text, "expected conv:C:R");
        int channels = ParseInteger(text, parts[1], "C");
        int range = ParseInteger(text, parts[2], "R");
        if (channels < 1 || channels > MaxChannels) throw Error(text, $"C = {channels} is out of range");
        if (range < 0) throw Error(text, $"R = {range} is out of range");
        int? depth = null;
        Activation? activation = null;
        bool odd = false;
        foreach (string token in parts.Skip(3))
        {
            switch (token)
            {
                case "tanh" or "silu" or "identity":
                    if (activation is not null) throw Error(text, "the activation is given twice");
                    activation = token switch { "tanh" => Activation.Tanh, "silu" => Activation.Silu, _ => Activation.Identity };
                    break;
                case "odd":
                    if (odd) throw Error(text, "odd is given twice");
                    odd = true;
                    break;
                default:
                    if (token.Length == 0 || !token.All(char.IsAsciiDigit)) throw Error(text, $"unknown token '{token}'");
                    if (depth is not null) throw Error(text, "D is given twice");
                    depth = ParseInteger(text, token, "D");
                    if (depth < 1 || depth > MaxDepth) throw Error(text, $"D = {depth} is out of range");
                    break;
            }
        }
        var spec = new ConvSpec(channels, range, depth ?? 1, activation ?? Activation.Tanh, odd);
        if (odd && !spec.Activation.IsOdd()) throw Error(text, "odd needs tanh or identity");
        return spec;
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> (parameter "Range") unless 2R + 1 &lt;= L, and for fields out of range.</summary>
    public void Validate(Lattice lattice)
    {
        ArgumentNullException.ThrowIfNull(lattice);
        CheckFields();
        if (2L * Range + 1 > lattice.Length)
            throw new ArgumentOutOfRangeException(nameof(Range), Range,
                $"conv range R = {Range} needs 2R+1 <= L = {lattice.Length}: use R <= {(lattice.Length - 1) / 2} or a larger lattice");
    }

    /// <summary>
    /// Real parameters per time slice for n = <paramref name="components"/>: with E = (2R+1)^d,
    /// C n E + C (first layer), (D - 1)(C^2 E + C), n C E (K_out), n^2 E (K_0); no C terms when odd.
    /// </summary>
    public long ParameterCount(Lattice lattice, int components)
    {
        ArgumentNullException.ThrowIfNull(lattice);
        if (components < 1) throw new ArgumentOutOfRangeException(nameof(components), components, "components must be >= 1");
        long e = (long)Math.Pow(2 * Range + 1, lattice.Dimension);
        long bias = Odd ? 0 : Channels;
        long c = Channels, n = components;
        return c * n * e + bias + (Depth - 1) * (c * c * e + bias) + n * c * e + n * n * e;
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for C, R, D out of range or odd with a non-odd activation.</summary>
    internal void CheckFields()
    {
        if (Channels < 1 || Channels > MaxChannels)
            throw new ArgumentOutOfRangeException(nameof(Channels), Channels, $"channels C must be in 1..{MaxChannels}");
        if (Range < 0) throw new ArgumentOutOfRangeException(nameof(Range), Range, "range R must be >= 0");
        if (Depth < 1 || Depth > MaxDepth)
            throw new ArgumentOutOfRangeException(nameof(Depth), Depth, $"depth D must be in 1..{MaxDepth}");
        if (!Enum.IsDefined(Activation)) throw new ArgumentOutOfRangeException(nameof(Activation), Activation, "unknown activation");
        if (Odd && !Activation.IsOdd())
            throw new ArgumentOutOfRangeException(nameof(Odd), Odd, "odd needs tanh or identity");
    }

    /// <inheritdoc />
    public override string ToString() => Name;

    private static int ParseInteger(string text, string token, string what)
    {
        if (!int.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value))
            throw Error(text, $"{what} = '{token}' is not an integer");
        return value;
    }

    private static FormatException Error(string text, string reason) =>
        new($"invalid conv network '{text}': {reason}; {Forms}");
}

using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace CritDiff.Cli;

/// <summary>
/// The one number parser of the tool: every numeric option (<c>Option&lt;double&gt;</c>, <c>int</c>, <c>ulong</c> and their
/// nullable forms, attached by <see cref="Attach(Command)"/>) and every number inside a text option (--lr, --t-max, comma-separated
/// lists) is read here, in the invariant culture with a '.' decimal point and no group separators. "1,5" is refused
/// rather than read as 15 (System.CommandLine's default double parser allows thousands separators), and NaN or
/// infinities are refused (no option accepts them).
/// </summary>
internal static class NumericOptions
{
    private const NumberStyles RealStyle = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;
    private const NumberStyles IntegerStyle = NumberStyles.AllowLeadingSign;

    /// <summary>What a real option accepts, for messages.</summary>
    public const string RealForm = "a finite number such as 0.25 or 1e-3 ('.' decimal point, no thousands separators)";

    /// <summary>What an integer option accepts, for messages.</summary>
    public const string IntegerForm = "a whole number in -2147483648..2147483647 (no thousands separators)";

    /// <summary>What an unsigned option accepts, for messages.</summary>
    public const string UnsignedForm = "a whole number in 0..18446744073709551615 (no thousands separators)";

    /// <summary>Parses a finite real number; false for anything else (group separators, NaN, infinities, overflow).</summary>
    public static bool TryReal(string text, out double value) =>
        double.TryParse(text.Trim(), RealStyle, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    /// <summary>Parses a 32-bit integer; false for anything else.</summary>
    public static bool TryInteger(string text, out int value) =>
        int.TryParse(text.Trim(), IntegerStyle, CultureInfo.InvariantCulture, out value);

    /// <summary>Parses an unsigned 64-bit integer; false for anything else.</summary>
    public static bool TryUnsigned(string text, out ulong value) =>
        ulong.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out value);

    /// <summary>A finite real number, or a usage error naming <paramref name="option"/>.</summary>
    public static double Real(string option, string text) =>
        TryReal(text, out double x) ? x : throw new UsageException($"{option} expects {RealForm} (got '{text}')");

    /// <summary>A 32-bit integer, or a usage error naming <paramref name="option"/>.</summary>
    public static int Integer(string option, string text) =>
        TryInteger(text, out int x) ? x : throw new UsageException($"{option} expects {IntegerForm} (got '{text}')");

    /// <summary>The items of a comma-separated list, trimmed; an empty item ("1,,4", a trailing comma) is a usage error.</summary>
    public static string[] Items(string option, string text)
    {
        string[] items = text.Split(',', StringSplitOptions.TrimEntries);
        if (items.Any(i => i.Length == 0))
            throw new UsageException($"{option} has an empty item ('{text}'): separate the values by single commas");
        return items;
    }

    /// <summary>A comma-separated list of integers (see <see cref="Items"/>).</summary>
    public static int[] Integers(string option, string text) =>
        Items(option, text).Select(i => TryInteger(i, out int x) ? x
            : throw new UsageException($"{option} expects a comma-separated list of whole numbers (no thousands separators; got '{i}' in '{text}')")).ToArray();

    /// <summary>
    /// Gives every numeric option under <paramref name="command"/> (recursively) the shared parser. An option of a numeric
    /// type this class does not know (long, float, decimal, ...) is a programming error and throws here, so a test that
    /// builds the tool catches it.
    /// </summary>
    public static void Attach(Command command)
    {
        foreach (var option in command.Options) Attach(option);
        foreach (var sub in command.Subcommands) Attach(sub);
    }

    private static void Attach(Option option)
    {
        switch (option)
        {
            case Option<double> o: o.CustomParser = r => Parse(r, TryReal, RealForm, 0.0); break;
            case Option<double?> o: o.CustomParser = r => Parse<double>(r, TryReal, RealForm, 0.0); break;
            case Option<int> o: o.CustomParser = r => Parse(r, TryInteger, IntegerForm, 0); break;
            case Option<int?> o: o.CustomParser = r => Parse<int>(r, TryInteger, IntegerForm, 0); break;
            case Option<ulong> o: o.CustomParser = r => Parse(r, TryUnsigned, UnsignedForm, 0UL); break;
            case Option<ulong?> o: o.CustomParser = r => Parse<ulong>(r, TryUnsigned, UnsignedForm, 0UL); break;
            default:
                var type = Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType;
                if (type.IsPrimitive && type != typeof(bool) || type == typeof(decimal))
                    throw new InvalidOperationException($"{option.Name}: numeric options must be double, int or ulong (got {type.Name}) to use the shared parser");
                break;
        }
    }

    /// <summary>
    /// The message for the first numeric option on the command line whose value does not parse, or null. System.CommandLine
    /// reports a missing required option before it converts values, so the caller asks here first.
    /// </summary>
    public static string? FirstBadValue(ParseResult parse)
    {
        foreach (var option in parse.CommandResult.Children.OfType<OptionResult>())
        {
            if (option.Tokens.Count == 0) continue;
            var type = Nullable.GetUnderlyingType(option.Option.ValueType) ?? option.Option.ValueType;
            string text = option.Tokens[^1].Value;
            string? form = type == typeof(double) ? (TryReal(text, out _) ? null : RealForm)
                : type == typeof(int) ? (TryInteger(text, out _) ? null : IntegerForm)
                : type == typeof(ulong) ? (TryUnsigned(text, out _) ? null : UnsignedForm)
                : null;
            if (form is not null) return $"{option.Option.Name} expects {form} (got '{text}')";
        }
        return null;
    }

    private delegate bool TryParser<T>(string text, out T value);

    private static T Parse<T>(ArgumentResult result, TryParser<T> parse, string form, T fallback)
    {
        // One token per occurrence; with repeated options System.CommandLine keeps the last one.
        if (result.Tokens.Count == 0)
            throw new InvalidOperationException($"{result.Argument.Name}: the shared parser was called without a token");
        string text = result.Tokens[^1].Value;
        if (parse(text, out T value)) return value;
        string name = result.Parent is OptionResult o ? o.Option.Name : result.Argument.Name;
        result.AddError($"{name} expects {form} (got '{text}')");
        return fallback;
    }
}

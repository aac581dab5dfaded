using System.CommandLine;
using System.Reflection;
using CritDiff.Cli;
using CritDiff.Experiments;
using CritDiff.Persistence;

namespace CritDiff.Tests.Cli;

/// <summary>
/// Bad input of every kind (issue 24) exits 2 (or 3) with one "error: ..." line naming the option or the file: numbers
/// with group separators, options that would be ignored, tampered files, values the solvers cannot take, requests
/// that would exhaust memory. None may run with a silently wrong value, crash, or allocate first.
/// </summary>
public sealed class BadInputBatteryTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("critdiff-bad-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private void Refused(string line, string expected) =>
        Cli.AssertRefused(line.Replace("OUT", _folder, StringComparison.Ordinal).Split(' '), expected);

    [Theory]
    // Group separators: "0,34044" was read as 34044 (System.CommandLine's default double parser allows them).
    [InlineData("model --d 2 --L 8 --model phi4 --kappa 0,34044 --lambda 1", "--kappa expects a finite number")]
    [InlineData("model --d 2 --L 8 --xi-over-L 0,25", "--xi-over-L expects a finite number")]
    [InlineData("model --d 2 --L 8 --beta 1,5", "--beta expects a finite number")]
    [InlineData("model --d 2 --L 8 --beta 1,500.0", "--beta expects")]
    [InlineData("model --d 2 --L 8 --beta NaN", "--beta expects a finite number")]
    [InlineData("model --d 2 --L 8 --beta Infinity", "--beta expects a finite number")]
    [InlineData("model --d 2,0 --L 8 --beta 1", "--d expects a whole number")]
    [InlineData("sample --d 2 --L 8 --beta 1 --n 2 --out OUT/a.npy --seed 1,2", "--seed expects a whole number")]
    [InlineData("train --d 2 --L 8 --xi 2 --max-steps 1,000", "--max-steps expects a whole number")]
    [InlineData("train --d 2 --L 8 --xi 2 --lr 0,05", "--lr must be auto or a number > 0")]
    [InlineData("train --d 2 --L 8 --xi 2 --slices 2 --t-max 1,5", "--t-max must be auto or a number > 0")]
    [InlineData("scaling --d 2 --L 8,1,6 --xi 2 --out OUT/s", "--L must be a comma-separated list of sizes >= 2")]
    // A required option missing does not hide the bad value.
    [InlineData("model --beta 1,5", "--beta expects")]
    // Options that would be ignored.
    [InlineData("train --d 2 --L 8 --xi 2 --t 0.1 --stop exact", "--stop applies only with --mode samples")]
    [InlineData("train --d 2 --L 8 --xi 2 --chain wolff", "--chain applies only with --mode samples")]
    [InlineData("train --d 2 --L 8 --xi 2 --eval-interval 5", "--eval-interval applies only with --mode samples")]
    [InlineData("train --d 2 --L 8 --xi 2 --batch 8", "--batch applies only with --mode empirical or samples")]
    [InlineData("train --d 2 --L 8 --xi 2 --t 0.1 --t-min 0.01", "--t-min applies only with --slices")]
    [InlineData("train --d 2 --L 8 --xi 2 --t-max 5", "--t-max applies only with --slices")]
    [InlineData("train --d 2 --L 8 --xi 2 --spacing uniform", "--spacing applies only with --slices")]
    [InlineData("train --d 2 --L 8 --xi 2 --optimizer adam --momentum 0.5", "--momentum applies only to --optimizer gd or sgd")]
    [InlineData("train --d 2 --L 8 --xi 2 --mode samples --momentum 0.5", "--momentum applies only to --optimizer gd or sgd")]
    [InlineData("generate --d 2 --L 8 --xi 2 --train-budget 1,,4", "--train-budget has an empty item")]
    [InlineData("generate --d 2 --L 8 --xi 2 --train-budget 1,4,", "--train-budget has an empty item")]
    [InlineData("mcmc-scaling --d 2 --L 4,8 --xi-over-L 0.25 --algo heatbath,,wolff", "--algo has an empty item")]
    // Values the solvers cannot take: a range naming the option, no ArithmeticException or NonConvergenceException.
    [InlineData("model --d 2 --L 8 --beta 1e308", "--beta must be in [1e-4, 1e200]")]
    [InlineData("model --d 2 --L 8 --beta 1e-320", "--beta must be in [1e-4, 1e200]")]
    [InlineData("model --d 2 --L 8 --xi 1e308", "--xi must be in [1e-2, 1e125]")]
    [InlineData("model --d 2 --L 8 --xi-over-L 1e308", "--xi-over-L must be in [1e-12, 1e120]")]
    [InlineData("model --d 2 --L 8 --xi-over-L 1e-300", "--xi-over-L must be in [1e-12, 1e120]")]
    [InlineData("scaling --d 2 --L 8 --xi 2 --eps 0 --out OUT/s", "--eps must be in (0, 1)")]
    [InlineData("scaling --d 2 --L 8 --xi 2 --optimizer bogus --out OUT/s", "--optimizer: unknown optimizer 'bogus'")]
    [InlineData("scaling --d 2 --L 8 --xi 2 --schedule bogus --out OUT/s", "--schedule: unknown schedule 'bogus'")]
    [InlineData("train --d 2 --L 8 --xi 2 --optimizer bogus", "--optimizer")]
    [InlineData("train --d 2 --L 8 --xi 2 --schedule bogus", "--schedule")]
    // Memory estimated before anything is allocated.
    [InlineData("train --d 4 --L 64 --xi 2 --arch deep:64 --slices 2", "--arch: training one slice of deep:64")]
    [InlineData("train --d 2 --L 8 --xi 2 --slices 10000 --max-steps 100000", "--max-steps: the loss history of 10000 slice(s)")]
    [InlineData("generate --d 2 --L 8 --xi 2 --train-budget 100000001", "--train-budget must be a comma-separated list of step counts in 0..100000000")]
    [InlineData("generate --d 2 --L 8 --xi 2 --train-budget 50000000", "--train-budget: the loss history of 16 slice(s)")]
    [InlineData("stability --d 4 --L 64,128", "--L: training one slice of two-layer on d=4, L=128")]
    [InlineData("stability --d 4 --L 64 --seeds 1", "--batch: a minibatch of 64")]
    [InlineData("scaling --d 4 --L 8,128 --xi-over-L 0.25 --out OUT/s", "--L: training one slice of one-layer on d=4, L=128")]
    public void BadInputExitsTwoNamingTheOption(string line, string expected) => Refused(line, expected);

    [Theory]
    [InlineData("sample --d 2 --L 8 --xi 2 --n 2", "--out needs a file path")]
    [InlineData("train --d 2 --L 8 --xi 2", "--out needs a folder path")]
    [InlineData("generate --exact-score --d 2 --L 8 --xi 2 --n 2", "--out needs a file path")]
    public void EmptyOutPathIsRefusedNamingTheOption(string line, string expected) =>
        Cli.AssertRefused([.. line.Split(' '), "--out", ""], expected);

    /// <summary>
    /// Guards the shared parser: every numeric option of every command (found by reflection over the command
    /// factories, so a new command or option is covered by adding it) refuses "1,5" naming itself.
    /// </summary>
    [Fact]
    public void EveryNumericOptionOfEveryCommandRefusesAGroupSeparator()
    {
        var factories = typeof(Program).Assembly.GetTypes()
            .Select(t => t.GetMethod("Create", BindingFlags.Public | BindingFlags.Static, [typeof(Func<bool, Output>)]))
            .Where(m => m is not null && m.ReturnType == typeof(Command)).ToArray();
        Assert.True(factories.Length >= 12, $"found only {factories.Length} commands");
        Type[] numeric = [typeof(double), typeof(int), typeof(ulong), typeof(long), typeof(float), typeof(decimal)];
        int checkedOptions = 0;
        foreach (var factory in factories)
        {
            var command = (Command)factory!.Invoke(null, [(Func<bool, Output>)(_ => throw new InvalidOperationException())])!;
            foreach (var (path, option) in Options(command, [command.Name]))
            {
                var type = Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType;
                if (!numeric.Contains(type)) continue;
                var (code, _, error) = Cli.Run([.. path, option.Name, "1,5"]);
                Assert.True(code == 2, $"{string.Join(' ', path)} {option.Name} 1,5: exit {code} ({error})");
                Assert.Contains($"error: {option.Name} expects", error);
                checkedOptions++;
            }
        }
        Assert.True(checkedOptions >= 40, $"only {checkedOptions} numeric options found");
    }

    private static IEnumerable<(string[] Path, Option Option)> Options(Command command, string[] path)
    {
        foreach (var option in command.Options) yield return (path, option);
        foreach (var sub in command.Subcommands)
            foreach (var item in Options(sub, [.. path, sub.Name]))
                yield return item;
    }

    [Fact]
    public void NpyShapesThatOverflowOrAreNegativeOrClaimMoreThanTheFileAreRefusedNamingTheFile()
    {
        foreach (var (shape, expected) in new[]
                 {
                     ("1000000000000, 8, 8", "dimension 0 ('1000000000000') must be a whole number in 0..2147483647"),
                     ("2147483647, 2147483647, 8", "array too large"),
                     ("-5, 8, 8", "dimension 0 ('-5') must be a whole number"),
                     ("1000000, 8, 8", "truncated .npy file: the header's shape (1000000, 8, 8) needs 512000000 data bytes"),
                 })
        {
            string path = Path.Combine(_folder, "shape.npy");
            WriteRawNpy(path, shape, Enumerable.Repeat(0.5, 4 * 64).ToArray());
            Cli.AssertRefused(["train", "--d", "2", "--L", "8", "--xi", "2", "--mode", "empirical", "--data", path], $"--data: {path}: ");
            Cli.AssertRefused(["train", "--d", "2", "--L", "8", "--xi", "2", "--mode", "empirical", "--data", path], expected);
        }
    }

    [Theory]
    [InlineData(double.NaN, "contains NaN or infinite values")]
    [InlineData(1e308, "values must have |x| <= 1E+50")]
    public void DataWithNanOrHugeValuesIsRefusedByTrainAndGenerate(double bad, string expected)
    {
        string data = Path.Combine(_folder, "bad.npy");
        var values = Enumerable.Repeat(0.5, 4 * 8).ToArray();
        values[^1] = bad;
        NpyFile.Write(data, values, [4, 8]);
        Cli.AssertRefused(["train", "--d", "1", "--L", "8", "--xi", "2", "--mode", "empirical", "--data", data], $"--data: {data}");
        Cli.AssertRefused(["train", "--d", "1", "--L", "8", "--xi", "2", "--mode", "empirical", "--data", data], expected);
        string model = TrainTinySamplesModel("conv:2:1");
        // generate used to drop the reference fields with "warnings: []" here.
        Cli.AssertRefused(["generate", "--model", model, "--n", "4", "--steps", "2", "--data", data], $"--data: {data}");
        Cli.AssertRefused(["generate", "--model", model, "--n", "4", "--steps", "2", "--data", data], expected);
    }

    /// <summary>Trains a tiny samples-mode model on d = 1, L = 8 (a fraction of a second) and returns its checkpoint folder.</summary>
    private string TrainTinySamplesModel(string arch)
    {
        string run = Path.Combine(_folder, "run-" + arch.Replace(':', '_'));
        if (!Directory.Exists(run))
        {
            var (code, _, error) = Cli.Run("train", "--d", "1", "--L", "8", "--xi", "2", "--arch", arch, "--mode", "samples", "--slices", "2",
                "--max-steps", "5", "--out", run);
            Assert.True(code == 0, error);
        }
        return Path.Combine(run, "checkpoint");
    }

    private string Tampered(string model, Func<string, string> edit, string name)
    {
        string copy = Path.Combine(_folder, name);
        Directory.CreateDirectory(copy);
        foreach (string file in Directory.GetFiles(model)) File.Copy(file, Path.Combine(copy, Path.GetFileName(file)), overwrite: true);
        string json = Path.Combine(copy, "model.json");
        string text = File.ReadAllText(json);
        string edited = edit(text);
        if (name is not ("twoD" or "huge")) Assert.NotEqual(text, edited); // the edit must hit
        File.WriteAllText(json, edited);
        return copy;
    }

    private static string ReplaceFirst(string text, string old, string replacement)
    {
        int i = text.IndexOf(old, StringComparison.Ordinal);
        return i < 0 ? text : text[..i] + replacement + text[(i + old.Length)..];
    }

    [Fact]
    public void TamperedSamplesCheckpointIsRefusedNamingTheFileAndField()
    {
        string model = TrainTinySamplesModel("conv:2:1");
        var (ok, _, okError) = Cli.Run("generate", "--model", model, "--n", "4", "--steps", "2");
        Assert.True(ok == 0, okError);

        // target.L 8 -> 16 (a convolution's arrays do not depend on L, so only the other fields can tell).
        string lattice = Tampered(model, t => ReplaceFirst(t, "\"L\": 8,", "\"L\": 16,"), "L16");
        Cli.AssertRefused(["generate", "--model", lattice, "--n", "4", "--steps", "2"], $"{Path.Combine(lattice, "model.json")}': field 'target'");
        // ... also with the description edited to match: the run summary still says L = 8.
        string both = Tampered(model, t => ReplaceFirst(ReplaceFirst(t, "\"L\": 8,", "\"L\": 16,"), "L=8, V=8", "L=16, V=16"), "L16both");
        Cli.AssertRefused(["generate", "--model", both, "--n", "4", "--steps", "2"], "field 'target' (");
        Cli.AssertRefused(["generate", "--model", both, "--n", "4", "--steps", "2"], "differs from 'summary.model'");
        // n: 2 with n = 1 arrays.
        string components = Tampered(model, t => t.Replace("\n  \"n\": 1,", "\n  \"n\": 2,", StringComparison.Ordinal), "n2");
        Cli.AssertRefused(["generate", "--model", components, "--n", "4", "--steps", "2"], "field 'n' is 2; field 'target' has n = 1");
        // A field that does not read names itself.
        string schedule = Tampered(model, t => ReplaceFirst(t, "\"schedule\": \"vp\"", "\"schedule\": \"bogus\""), "schedule");
        Cli.AssertRefused(["generate", "--model", schedule, "--n", "4", "--steps", "2"], "field 'schedule' has an invalid value (\"bogus\"): unknown schedule");
        string version = Tampered(model, t => ReplaceFirst(t, "\"version\": 2,", ""), "version");
        Cli.AssertRefused(["generate", "--model", version, "--n", "4", "--steps", "2"], "field 'version' is missing");
        // parameters_per_slice edited.
        string count = Tampered(model, t => System.Text.RegularExpressions.Regex.Replace(t, "\"parameters_per_slice\": \\d+", "\"parameters_per_slice\": 5"), "count");
        Cli.AssertRefused(["generate", "--model", count, "--n", "4", "--steps", "2"], "field 'parameters_per_slice' is 5");
    }

    [Fact]
    public void CheckpointArraysThatAreNotFlatOrAreHugeAreRefusedNamingTheFile()
    {
        string model = TrainTinySamplesModel("conv:2:1");
        string flat = Path.Combine(model, "slice000_array0.npy");
        var values = NpyFile.Read(flat).Data;
        Assert.Equal(6, values.Length); // conv:2:1 on n = 1: 2 channels x 3 taps

        string twoD = Tampered(model, t => t, "twoD");
        NpyFile.Write(Path.Combine(twoD, "slice000_array0.npy"), values, [2, 3]);
        Cli.AssertRefused(["generate", "--model", twoD, "--n", "4", "--steps", "2"], "slice000_array0.npy' has shape (2, 3); parameter arrays are 1-D");

        // Weights of 1e300 made --reweight fail with "undefined weight ('samples')".
        string huge = Tampered(model, t => t, "huge");
        foreach (string file in Directory.GetFiles(huge, "*.npy"))
            NpyFile.Write(file, Enumerable.Repeat(1e300, NpyFile.Read(file).Data.Length).ToArray(), [NpyFile.Read(file).Data.Length]);
        Cli.AssertRefused(["generate", "--model", huge, "--n", "4", "--steps", "2", "--sampler", "ode-heun", "--reweight"], "parameters must have |w| <= 1E+50");
    }

    /// <summary>A .npy with any header shape text and the given payload (to forge headers NpyFile.Write would not write).</summary>
    private static void WriteRawNpy(string path, string shape, double[] values)
    {
        string header = $"{{'descr': '<f8', 'fortran_order': False, 'shape': ({shape}), }}";
        header += new string(' ', (64 - (10 + header.Length + 1) % 64) % 64) + "\n";
        using var stream = File.Create(path);
        stream.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
        stream.Write(BitConverter.GetBytes((ushort)header.Length));
        stream.Write(System.Text.Encoding.ASCII.GetBytes(header));
        foreach (double v in values) stream.Write(BitConverter.GetBytes(v));
    }
}

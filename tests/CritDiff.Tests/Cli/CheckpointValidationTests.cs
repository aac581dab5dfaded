using System.Text.Json.Nodes;
using CritDiff.Experiments;
using CritDiff.Persistence;

namespace CritDiff.Tests.Cli;

/// <summary>Damaged checkpoints exit 2 with a message naming the file or the field, never a .NET message.</summary>
public sealed class CheckpointValidationTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("critdiff-ckpt-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Train()
    {
        string run = Path.Combine(_folder, "run");
        var (code, _, error) = Cli.Run("train", "--d", "2", "--L", "4", "--xi", "1", "--slices", "2", "--out", run);
        Assert.True(code == 0, error);
        return Path.Combine(run, "checkpoint");
    }

    private static string Refused(string checkpoint)
    {
        var (code, output, error) = Cli.Run("generate", "--model", checkpoint, "--n", "0");
        Assert.True(code == 2, error);
        Assert.Equal("", output);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
        return error;
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void NonFiniteKernelIsRefusedNamingTheFile(double bad)
    {
        string checkpoint = Train();
        string kernel = Directory.GetFiles(checkpoint, "*.npy").Order().First();
        var array = NpyFile.Read(kernel);
        array.Data[0] = bad;
        NpyFile.Write(kernel, array.Data, array.Shape);
        string error = Refused(checkpoint);
        Assert.Contains(Path.GetFileName(kernel), error);
        Assert.Contains("kernels must be finite", error);
    }

    [Theory]
    [InlineData("schedule", "5")]
    [InlineData("times", "\"x\"")]
    [InlineData("lattice", "null")]
    [InlineData("arch", "\"three-layer\"")]
    public void CorruptFieldIsNamed(string field, string value)
    {
        string checkpoint = Train();
        string path = Path.Combine(checkpoint, "model.json");
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        json[field] = JsonNode.Parse(value);
        File.WriteAllText(path, json.ToJsonString());
        string error = Refused(checkpoint);
        Assert.Contains($"field '{field}'", error);
        Assert.DoesNotContain("Exception", error);
    }

    [Fact]
    public void UnknownCommandIsNamed()
    {
        var (code, _, error) = Cli.Run("bogus");
        Assert.Equal(2, code);
        Assert.Equal("error: unknown command 'bogus' (see 'critdiff --help')", error.TrimEnd('\n'));
    }
}

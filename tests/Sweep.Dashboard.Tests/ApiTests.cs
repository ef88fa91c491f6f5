using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Sweep.Dashboard.Tests.Support;
using Sweep.Grains.Storage;
using Sweep.Client.Dashboard;
using Sweep.Grains.Coordinator;
using Sweep.Grains.Lifecycle;

namespace Sweep.Dashboard.Tests;

/// <summary>
/// Every API endpoint against a real store, compared with what the CLI prints for the same store
/// (<c>--format json</c>); run on the local directory and on PostgreSQL by the two subclasses.
/// </summary>
public abstract class ApiTests : IAsyncLifetime
{
    private DashboardServer? _server;
    private ISweepStore? _store;
    private HttpClient? _http;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    private DashboardServer Server => _server ?? throw new InvalidOperationException("Not started.");

    private ISweepStore Store => _store ?? throw new InvalidOperationException("Not started.");

    private HttpClient Http => _http ?? throw new InvalidOperationException("Not started.");

    /// <summary>A fresh, empty store of the backend under test.</summary>
    protected abstract Task<ISweepStore> CreateStoreAsync();

    /// <summary>The options that point the CLI at the same store (<c>--store DIR</c> or <c>--cluster CS</c>).</summary>
    protected abstract string[] StoreArguments { get; }

    public async ValueTask InitializeAsync()
    {
        _store = await CreateStoreAsync();
        await ApiTestData.PopulateAsync(_store, Ct);
        _server = await DashboardServer.StartAsync(_store, new DashboardOptions
        {
            Port = 0,
            CancelToken = "the-token",
            CancelSweep = async (id, ct) => $"{await Sweep.Grains.Coordinator.StoreCancellation.CancelAsync(Store, id, ct)} cancelled",
            ReuseFor = TimeSpan.Zero,
        }, Ct);
        _http = new HttpClient { BaseAddress = _server.Address };
    }

    public async ValueTask DisposeAsync()
    {
        _http?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Sweeps_AreTheStatusRowsOfTheCli_WithProgress()
    {
        var api = (JsonArray)(await GetAsync("api/sweeps"))!;
        var cli = (JsonArray)await Cli.JsonAsync(Ct, [.. StoreArguments, "status", "--format", "json"]);
        Assert.Single(api);
        var row = (JsonObject)api[0]!;
        AssertHasFieldsOf((JsonObject)cli[0]!, row);
        Assert.Equal("running", (string?)row["state"]);
        // 3 completed + 1 failed count in full; the running one has done 30 steps; the pending one none.
        var steps = ApiTestData.Sweep.Trials.Select(t => t.Training.Steps).ToArray();
        Assert.Equal(steps[0] + steps[1] + steps[2] + steps[3] + 30, (long)row["stepsDone"]!);
        Assert.Equal(steps.Sum(), (long)row["stepsTotal"]!);
    }

    [Fact]
    public async Task Sweep_IsTheCliStatusRow_WithTheGridAxes()
    {
        var api = (JsonObject)(await GetAsync($"api/sweeps/{ApiTestData.SweepId}"))!;
        var cli = (JsonObject)await Cli.JsonAsync(Ct, [.. StoreArguments, "status", ApiTestData.SweepId, "--format", "json"]);
        AssertHasFieldsOf(cli, api);
        Assert.Equal(["cifar10", "mnist"], api["datasets"]!.AsArray().Select(d => (string)d!).Order());
        Assert.Equal(6, (int)api["total"]!);
    }

    [Fact]
    public async Task Trials_AreExactlyWhatSweepTrialsPrints()
    {
        var api = await GetAsync($"api/sweeps/{ApiTestData.SweepId}/trials");
        var cli = await Cli.JsonAsync(Ct, [.. StoreArguments, "trials", ApiTestData.SweepId, "--format", "json"]);
        Assert.True(JsonNode.DeepEquals(cli, api), $"API: {api}\nCLI: {cli}");
        var failed = api!.AsArray().Single(t => (string?)t!["trialId"] == ApiTestData.Failed.TrialId)!;
        Assert.Equal(ApiTestData.Error, (string?)failed["error"]);
    }

    [Fact]
    public async Task Leaderboard_IsExactlyWhatSweepLeaderboardPrints_ForAMetricAndFilter()
    {
        var api = await GetAsync($"api/sweeps/{ApiTestData.SweepId}/leaderboard?metric=devAccuracy&dataset=mnist");
        var cli = await Cli.JsonAsync(Ct, [.. StoreArguments, "leaderboard", "--sweep", ApiTestData.SweepId, "--metric", "devAccuracy", "--dataset", "mnist", "--format", "json"]);
        Assert.True(JsonNode.DeepEquals(cli, api), $"API: {api}\nCLI: {cli}");
        Assert.NotEmpty(api!.AsArray());
        using var bad = await Http.GetAsync($"api/sweeps/{ApiTestData.SweepId}/leaderboard?metric=accuracy", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("testAccuracy", await bad.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Study_IsExactlyWhatSweepStudyPrints()
    {
        var api = await GetAsync($"api/sweeps/{ApiTestData.SweepId}/study");
        var cli = await Cli.JsonAsync(Ct, [.. StoreArguments, "study", ApiTestData.SweepId, "--format", "json"]);
        Assert.True(JsonNode.DeepEquals(cli, api), $"API: {api}\nCLI: {cli}");
        Assert.False((bool)api!["complete"]!);
    }

    [Fact]
    public async Task Trial_HasConfigFinalMetricsConfusionMatrixAndError()
    {
        var stored = await Store.GetResultAsync(ApiTestData.Completed.TrialId, Ct);
        var api = (await GetAsync($"api/trials/{ApiTestData.Completed.TrialId}"))!;
        Assert.Equal(ApiTestData.Completed.TrialId, (string?)api["trial"]!["trialId"]);
        Assert.Equal("completed", (string?)api["trial"]!["status"]);
        Assert.Equal(ApiTestData.Completed.Training.Steps, (int)api["config"]!["training"]!["steps"]!);
        Assert.Equal(stored!.Test!.Confusion, api["test"]!["confusion"]!.AsArray().Select(v => (int)v!));
        Assert.Equal(stored.Test.PerClass.Select(c => c.F1), api["test"]!["perClass"]!.AsArray().Select(c => (double)c!["f1"]!));
        Assert.Equal(stored.Row.TestAccuracy, (double)api["trial"]!["testAccuracy"]!);

        var failed = (await GetAsync($"api/trials/{ApiTestData.Failed.TrialId}"))!;
        Assert.Equal(ApiTestData.Error, (string?)failed["error"]);

        var running = (await GetAsync($"api/trials/{ApiTestData.Running.TrialId}"))!;
        Assert.Equal("running", (string?)running["trial"]!["status"]);
        Assert.Equal(30, (int)running["checkpoint"]!["step"]!);
        Assert.Null(running["test"]);

        using var unknown = await Http.GetAsync("api/trials/api.nope", Ct);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("api.nope", await unknown.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Curve_OfAFinishedTrialIsTheStoredOne_OfARunningOneTheNewestCheckpoints()
    {
        var stored = await Store.GetResultAsync(ApiTestData.Completed.TrialId, Ct);
        var finished = (await GetAsync($"api/trials/{ApiTestData.Completed.TrialId}/curve"))!.AsArray();
        Assert.Equal(stored!.Curve.Select(p => p.Step), finished.Select(p => (int)p!["step"]!));
        Assert.Equal(stored.Curve.Select(p => p.BatchCost), finished.Select(p => (double)p!["batchCost"]!));

        var running = (await GetAsync($"api/trials/{ApiTestData.Running.TrialId}/curve"))!.AsArray();
        Assert.Equal(30, running.Count);
        Assert.Equal(ApiTestData.Checkpoint.Curve.Select(p => p.BatchAccuracy), running.Select(p => (double)p!["batchAccuracy"]!));

        var pending = (await GetAsync($"api/trials/{ApiTestData.Pending.TrialId}/curve"))!.AsArray();
        Assert.Empty(pending);
    }

    [Fact]
    public async Task UnchangedAnswer_IsA304ForItsEntityTag()
    {
        using var first = await Http.GetAsync("api/sweeps", Ct);
        var tag = first.Headers.ETag;
        Assert.NotNull(tag);
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/sweeps");
        request.Headers.IfNoneMatch.Add(tag);
        using var second = await Http.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Empty(await second.Content.ReadAsByteArrayAsync(Ct));

        await Store.SetTrialStatusAsync(ApiTestData.Running.TrialId, TrialStatus.Running, 31, Ct);
        using var again = new HttpRequestMessage(HttpMethod.Get, "api/sweeps");
        again.Headers.IfNoneMatch.Add(tag);
        using var changed = await Http.SendAsync(again, Ct);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
    }

    [Fact]
    public async Task Cancel_IsRefusedWithoutTheToken_AndDoneWithIt()
    {
        using var none = await Http.PostAsync($"api/sweeps/{ApiTestData.SweepId}/cancel", null, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, none.StatusCode);
        Assert.Contains(DashboardServer.TokenHeader, await none.Content.ReadAsStringAsync(Ct));
        using var wrong = new HttpRequestMessage(HttpMethod.Post, $"api/sweeps/{ApiTestData.SweepId}/cancel");
        wrong.Headers.Add(DashboardServer.TokenHeader, "not-the-token");
        using var wrongAnswer = await Http.SendAsync(wrong, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, wrongAnswer.StatusCode);
        var statuses = await Store.GetTrialStatusesAsync(ApiTestData.SweepId, Ct);
        Assert.DoesNotContain(statuses.Values, s => s.Status == TrialStatus.Cancelled);

        using var right = new HttpRequestMessage(HttpMethod.Post, $"api/sweeps/{ApiTestData.SweepId}/cancel");
        right.Headers.Add(DashboardServer.TokenHeader, "the-token");
        using var done = await Http.SendAsync(right, Ct);
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        statuses = await Store.GetTrialStatusesAsync(ApiTestData.SweepId, Ct);
        Assert.Equal(TrialStatus.Cancelled, statuses[ApiTestData.Pending.TrialId].Status);
        Assert.Equal(TrialStatus.Cancelled, statuses[ApiTestData.Running.TrialId].Status);
    }

    [Fact]
    public async Task UnknownSweep_IsA404NamingIt_AndTheApiIsReadOnly()
    {
        using var unknown = await Http.GetAsync("api/sweeps/nosuch/trials", Ct);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("no sweep named 'nosuch' in this store", (string?)JsonNode.Parse(await unknown.Content.ReadAsStringAsync(Ct))!["error"]);
        using var odd = await Http.GetAsync("api/sweeps/%3Cb%3E/study", Ct);
        Assert.Equal(HttpStatusCode.NotFound, odd.StatusCode);
        using var delete = await Http.DeleteAsync($"api/sweeps/{ApiTestData.SweepId}", Ct);
        Assert.Contains(delete.StatusCode, new[] { HttpStatusCode.NotFound, HttpStatusCode.MethodNotAllowed });
        Assert.NotNull(await Store.GetSweepAsync(ApiTestData.SweepId, Ct));
    }

    private async Task<JsonNode?> GetAsync(string path)
    {
        using var response = await Http.GetAsync(path, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {body}");
        Assert.Equal(new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" }, response.Content.Headers.ContentType);
        return JsonNode.Parse(body);
    }

    /// <summary>Every field the CLI prints is in the API's object with the same value.</summary>
    private static void AssertHasFieldsOf(JsonObject cli, JsonObject api)
    {
        foreach (var (name, value) in cli)
        {
            Assert.True(api.ContainsKey(name), $"API lacks the CLI's field '{name}'");
            Assert.True(JsonNode.DeepEquals(value, api[name]), $"{name}: CLI {value}, API {api[name]}");
        }
    }
}

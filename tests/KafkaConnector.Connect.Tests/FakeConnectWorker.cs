using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KafkaConnector.Connect.Tests;

/// <summary>
/// An in-memory Kafka Connect worker on Kestrel (127.0.0.1, a free port) speaking the Connect REST contract:
/// the paths, verbs, status codes and JSON bodies of Apache Kafka's ConnectorsResource. It builds its JSON by
/// hand so that the client's models are checked against the wire format rather than against themselves.
/// </summary>
internal sealed class FakeConnectWorker : IAsyncDisposable
{
    public const string WorkerId = "127.0.0.1:8083";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Connector> _connectors = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<RequestDelegate> _interceptors = new();

    private FakeConnectWorker(WebApplication app) => _app = app;

    /// <summary>Every request the worker received, in order: method, path with query, Authorization header.</summary>
    public ConcurrentQueue<(string Method, string Target, string? Authorization)> Requests { get; } = new();

    public Uri Url { get; private set; } = null!;

    public static async Task<FakeConnectWorker> StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var worker = new FakeConnectWorker(builder.Build());
        worker.MapContract();
        await worker._app.StartAsync(cancellationToken);
        var address = worker._app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        worker.Url = new Uri(address);
        return worker;
    }

    /// <summary>The next request gets this handler instead of the contract (error bodies, delays).</summary>
    public void InterceptNext(RequestDelegate handler) => _interceptors.Enqueue(handler);

    /// <summary>Adds a connector as if it had been created and its tasks had started.</summary>
    public void Seed(string name, IReadOnlyDictionary<string, string> config) => _connectors[name] = new Connector(name, config);

    public bool Has(string name) => _connectors.ContainsKey(name);

    /// <summary>Marks a task failed, with the stack trace Connect would report.</summary>
    public void FailTask(string name, int task, string trace)
    {
        var connector = _connectors[name];
        connector.TaskStates[task] = "FAILED";
        connector.TaskTraces[task] = trace;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static IResult Json(JsonNode body, int status = StatusCodes.Status200OK) =>
        Results.Text(body.ToJsonString(), "application/json", Encoding.UTF8, status);

    private static IResult Error(int status, string message) =>
        Json(new JsonObject { ["error_code"] = status, ["message"] = message }, status);

    private static IResult NotFound(string name) => Error(StatusCodes.Status404NotFound, $"Connector {name} not found");

    private void MapContract()
    {
        _app.Use(async (context, next) =>
        {
            var request = context.Request;
            Requests.Enqueue((request.Method, request.Path + request.QueryString, request.Headers.Authorization.FirstOrDefault()));
            if (_interceptors.TryDequeue(out var intercept))
            {
                await intercept(context);
                return;
            }

            await next(context);
        });

        _app.MapGet("/connectors", () => Json(new JsonArray([.. _connectors.Keys.Order(StringComparer.Ordinal).Select(name => JsonValue.Create(name))])));

        _app.MapPost("/connectors", async (HttpRequest request) =>
        {
            var body = await JsonNode.ParseAsync(request.Body) as JsonObject;
            var name = body?["name"]?.GetValue<string>();
            if (string.IsNullOrWhiteSpace(name) || body?["config"] is not JsonObject config)
            {
                return Error(StatusCodes.Status400BadRequest, "Connector name and config are required");
            }

            var connector = new Connector(name, ToDictionary(config));
            if (!_connectors.TryAdd(name, connector))
            {
                return Error(StatusCodes.Status409Conflict, $"Connector {name} already exists");
            }

            var created = Json(connector.Info(), StatusCodes.Status201Created);
            request.HttpContext.Response.Headers.Location = $"/connectors/{Uri.EscapeDataString(name)}";
            return created;
        });

        _app.MapGet("/connectors/{name}", (string name) =>
            _connectors.TryGetValue(name, out var connector) ? Json(connector.Info()) : NotFound(name));

        _app.MapGet("/connectors/{name}/config", (string name) =>
            _connectors.TryGetValue(name, out var connector) ? Json(connector.ConfigJson()) : NotFound(name));

        _app.MapPut("/connectors/{name}/config", async (string name, HttpRequest request) =>
        {
            if (await JsonNode.ParseAsync(request.Body) is not JsonObject config)
            {
                return Error(StatusCodes.Status400BadRequest, "Connector config is required");
            }

            var created = !_connectors.ContainsKey(name);
            var connector = _connectors[name] = new Connector(name, ToDictionary(config));
            return Json(connector.Info(), created ? StatusCodes.Status201Created : StatusCodes.Status200OK);
        });

        _app.MapGet("/connectors/{name}/status", (string name) =>
            _connectors.TryGetValue(name, out var connector) ? Json(connector.Status(restarting: null)) : NotFound(name));

        _app.MapPut("/connectors/{name}/pause", (string name) => SetState(name, "PAUSED"));
        _app.MapPut("/connectors/{name}/resume", (string name) => SetState(name, "RUNNING"));

        _app.MapPost("/connectors/{name}/restart", (string name, bool? includeTasks, bool? onlyFailed) =>
        {
            if (!_connectors.TryGetValue(name, out var connector))
            {
                return NotFound(name);
            }

            if (includeTasks != true && onlyFailed != true)
            {
                connector.State = "RUNNING";
                return Results.NoContent();
            }

            // As Connect does: the answer shows what will restart as RESTARTING, then the instances run again.
            var status = connector.Status(restarting: state => onlyFailed != true || state == "FAILED", includeTasks == true);
            connector.Restart(onlyFailed == true, includeTasks == true);
            return Json(status, StatusCodes.Status202Accepted);
        });

        _app.MapDelete("/connectors/{name}", (string name) =>
            _connectors.TryRemove(name, out _) ? Results.NoContent() : NotFound(name));
    }

    private IResult SetState(string name, string state)
    {
        if (!_connectors.TryGetValue(name, out var connector))
        {
            return NotFound(name);
        }

        connector.State = state;
        Array.Fill(connector.TaskStates, state);
        return Results.Accepted();
    }

    private static Dictionary<string, string> ToDictionary(JsonObject config) =>
        config.ToDictionary(pair => pair.Key, pair => pair.Value?.ToString() ?? string.Empty, StringComparer.Ordinal);

    private sealed class Connector
    {
        public Connector(string name, IReadOnlyDictionary<string, string> config)
        {
            Name = name;
            Config = new Dictionary<string, string>(config, StringComparer.Ordinal) { ["name"] = name };
            var tasks = config.TryGetValue("tasks.max", out var max) ? int.Parse(max, System.Globalization.CultureInfo.InvariantCulture) : 1;
            TaskStates = Enumerable.Repeat("RUNNING", tasks).ToArray();
            TaskTraces = new string?[tasks];
        }

        public string Name { get; }

        public Dictionary<string, string> Config { get; }

        public string State { get; set; } = "RUNNING";

        public string[] TaskStates { get; }

        public string?[] TaskTraces { get; }

        private string Type => Config.GetValueOrDefault("connector.class", string.Empty) switch
        {
            var type when type.Contains("Sink", StringComparison.Ordinal) => "sink",
            var type when type.Contains("Source", StringComparison.Ordinal) => "source",
            _ => "unknown",
        };

        public JsonObject ConfigJson() => new([.. Config.Select(pair => KeyValuePair.Create(pair.Key, (JsonNode?)pair.Value))]);

        public JsonObject Info() => new()
        {
            ["name"] = Name,
            ["config"] = ConfigJson(),
            ["tasks"] = new JsonArray([.. Enumerable.Range(0, TaskStates.Length).Select(id => new JsonObject { ["connector"] = Name, ["task"] = id })]),
            ["type"] = Type,
        };

        public JsonObject Status(Func<string, bool>? restarting, bool includeTasks = false)
        {
            string Shown(string state, bool isTask) =>
                restarting is not null && (!isTask || includeTasks) && restarting(state) ? "RESTARTING" : state;

            return new JsonObject
            {
                ["name"] = Name,
                ["connector"] = new JsonObject { ["state"] = Shown(State, isTask: false), ["worker_id"] = WorkerId },
                ["tasks"] = new JsonArray([.. TaskStates.Select((state, id) => Task(id, Shown(state, isTask: true)))]),
                ["type"] = Type,
            };
        }

        public void Restart(bool onlyFailed, bool includeTasks)
        {
            if (!onlyFailed || State == "FAILED")
            {
                State = "RUNNING";
            }

            for (var id = 0; includeTasks && id < TaskStates.Length; id++)
            {
                if (!onlyFailed || TaskStates[id] == "FAILED")
                {
                    TaskStates[id] = "RUNNING";
                    TaskTraces[id] = null;
                }
            }
        }

        private JsonObject Task(int id, string state)
        {
            var task = new JsonObject { ["id"] = id, ["state"] = state, ["worker_id"] = WorkerId };
            if (TaskTraces[id] is { } trace)
            {
                task["trace"] = trace;
            }

            return task;
        }
    }
}

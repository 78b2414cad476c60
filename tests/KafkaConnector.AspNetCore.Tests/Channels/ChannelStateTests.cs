using KafkaConnector.AspNetCore.Channels;
using KafkaConnector.AspNetCore.Channels.Internal;
using static KafkaConnector.AspNetCore.Channels.KafkaChannelCommands;

namespace KafkaConnector.AspNetCore.Tests.Channels;

public sealed class ChannelStateTests
{
    private static KafkaChannelMessage Command(string cmd, string sender, params (string Key, string Value)[] extra)
    {
        var message = new KafkaChannelMessage { Cmd = cmd, Params = { ["channelId"] = "c", ["sender"] = sender } };
        foreach (var (key, value) in extra)
        {
            message.Params[key] = value;
        }

        return message;
    }

    private static ChannelState RoomWithOwnerAdminAndMembers()
    {
        var state = new ChannelState();
        Assert.Null(state.Apply(Command(CreateChannel, "owner")).Error);
        foreach (var user in new[] { "admin", "m1", "m2" })
        {
            Assert.Null(state.Apply(Command(JoinChannel, user)).Error);
        }

        Assert.Null(state.Apply(Command(PromoteAdmin, "owner", ("user", "admin"))).Error);
        return state;
    }

    [Fact]
    public void An_admin_moderates_members_but_not_the_owner_or_itself()
    {
        var state = RoomWithOwnerAdminAndMembers();

        Assert.Null(state.Apply(Command(KickUser, "admin", ("user", "m1"))).Error);
        Assert.NotNull(state.Apply(Command(KickUser, "admin", ("user", "owner"))).Error);
        Assert.NotNull(state.Apply(Command(BanUser, "m2", ("user", "admin"))).Error);
        Assert.Equal(["admin", "m2", "owner"], state.MembersOf("c")!.Order());
    }

    [Fact]
    public void Only_the_owner_deletes_and_a_deleted_channel_refuses_commands()
    {
        var state = RoomWithOwnerAdminAndMembers();

        Assert.NotNull(state.Apply(Command(DeleteChannel, "admin")).Error);
        var deleted = state.Apply(Command(DeleteChannel, "owner"));
        Assert.Null(deleted.Error);
        Assert.Equal(["admin", "m1", "m2", "owner"], deleted.Deliveries.Single().Users.Order());
        Assert.Contains("does not exist", state.Apply(Command(JoinChannel, "m1")).Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_banned_user_cannot_join_until_unbanned_and_internal_params_never_reach_clients()
    {
        var state = RoomWithOwnerAdminAndMembers();
        Assert.Null(state.Apply(Command(BanUser, "owner", ("user", "m1"))).Error);

        Assert.Contains("banned", state.Apply(Command(JoinChannel, "m1")).Error, StringComparison.Ordinal);
        Assert.Null(state.Apply(Command(UnbanUser, "admin", ("user", "m1"))).Error);
        var joined = state.Apply(Command(JoinChannel, "m1", ("kc-origin-node", "a")));
        Assert.Null(joined.Error);
        Assert.DoesNotContain("kc-origin-node", joined.Deliveries.Single().Message.Params.Keys);
    }
}

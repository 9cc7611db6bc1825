package dev.cairn.core;

import dev.cairn.api.command.CommandFamily;
import dev.cairn.core.config.ConfigCommands;
import dev.cairn.core.connection.ClientCommands;
import dev.cairn.core.connection.ClientUnblockCommand;
import dev.cairn.core.connection.ConnectionCommands;
import dev.cairn.core.generic.DatabaseCommands;
import dev.cairn.core.generic.DumpRestoreCommands;
import dev.cairn.core.generic.ExpireCommands;
import dev.cairn.core.generic.KeyCommands;
import dev.cairn.core.generic.ObjectCommand;
import dev.cairn.core.generic.ScanCommands;
import dev.cairn.core.sort.SortCommands;
import dev.cairn.core.server.CommandCommands;
import dev.cairn.core.server.DebugCommands;
import dev.cairn.core.server.LatencyCommands;
import dev.cairn.core.server.LolwutCommand;
import dev.cairn.core.server.MemoryCommands;
import dev.cairn.core.server.ServerCommands;
import dev.cairn.core.server.SlowlogCommands;
import dev.cairn.core.type.hash.HashCommands;
import dev.cairn.core.type.hash.HashFieldExpiryCommands;
import dev.cairn.core.type.geo.GeoCommands;
import dev.cairn.core.type.hll.HllCommands;
import dev.cairn.core.type.set.SetCommands;
import dev.cairn.core.type.stream.StreamCommands;
import dev.cairn.core.type.string.BitCommands;
import dev.cairn.core.type.string.BitfieldCommands;
import dev.cairn.core.type.string.CounterCommands;
import dev.cairn.core.type.list.ListCommands;
import dev.cairn.core.type.list.ListMoveCommands;
import dev.cairn.core.type.string.StringCommands;
import dev.cairn.core.type.string.StringRangeCommands;
import dev.cairn.core.type.zset.ZSetCommands;

/** The command families built into the core, in the order COMMAND lists them. */
public final class CoreCommands {
  private CoreCommands() {}

  public static CommandFamily[] families() {
    return new CommandFamily[] {
        new ConnectionCommands(),
        new ClientCommands(),
        new ClientUnblockCommand(),
        new dev.cairn.core.tracking.TrackingCommands(),
        new KeyCommands(),
        new ExpireCommands(),
        new ScanCommands(),
        new ObjectCommand(),
        new DumpRestoreCommands(),
        new dev.cairn.core.generic.MigrateCommands(),
        new DatabaseCommands(),
        new StringCommands(),
        new HashCommands(),
        new HashFieldExpiryCommands(),
        new StringRangeCommands(),
        new CounterCommands(),
        new BitCommands(),
        new BitfieldCommands(),
        new ListCommands(),
        new ListMoveCommands(),
        new SortCommands(),
        new dev.cairn.core.multi.MultiCommands(),
        new dev.cairn.core.pubsub.PubSubCommands(),
        new SetCommands(),
        new ZSetCommands(),
        new StreamCommands(),
        new HllCommands(),
        new GeoCommands(),
        new ConfigCommands(),
        new dev.cairn.core.acl.AclCommands(),
        new dev.cairn.core.server.ClusterClientCommands(),
        new dev.cairn.core.cluster.ClusterCommands(),
        new DebugCommands(),
        new dev.cairn.core.script.function.FunctionCommands(),
        new dev.cairn.core.script.command.EvalCommands(),
        new dev.cairn.core.aof.AofCommands(),
        new ServerCommands(),
        new CommandCommands(),
        new SlowlogCommands(),
        new LatencyCommands(),
        new MemoryCommands(),
        new dev.cairn.core.persistence.PersistenceCommands(),
        new dev.cairn.core.replication.ReplicationCommands(),
        new LolwutCommand(),
        new dev.cairn.core.module.ModuleCommands(),
    };
  }
}

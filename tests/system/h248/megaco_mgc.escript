#!/usr/bin/env escript
%%! -noshell
%% An independent H.248 MGC on Erlang/OTP's megaco stack (Debian erlang-megaco), for the
%% interop test of tandem-mgw's H.248 front-end (tests/system/h248/erlang_megaco.py).
%%
%%   escript megaco_mgc.escript MGC_PORT TIMEOUT_S [pretty|compact]
%%
%% It listens on 127.0.0.1:MGC_PORT (UDP, text encoding), accepts the gateway's ServiceChange,
%% then: AuditValue of ROOT (Packages), Add of tdm/1/1 and rtp/$ (Local SDP with $) to a new
%% context, Modify of the RTP termination with a Remote SDP, Subtract of both (statistics).
%% Every reply is decoded by megaco's own text decoder: a syntax or message error reported by
%% the stack, an error reply, or a missing item fails the run. Prints "OK ..." lines and "PASS"
%% (exit 0), or "FAIL ..." (exit 1); the whole run is bounded by TIMEOUT_S.
-module(megaco_mgc).
-mode(compile).
-include_lib("megaco/include/megaco.hrl").
-include_lib("megaco/include/megaco_message_v1.hrl").
-export([main/1]).
-export([handle_connect/3, handle_disconnect/4, handle_syntax_error/4, handle_message_error/4,
         handle_trans_request/4, handle_trans_long_request/4, handle_trans_reply/5, handle_trans_ack/5,
         handle_unexpected_trans/4, handle_trans_request_abort/5]).

main([PortS, TimeoutS | Rest]) ->
    Port = list_to_integer(PortS),
    Timeout = list_to_integer(TimeoutS) * 1000,
    Encoder = case Rest of
                  ["compact"] -> megaco_compact_text_encoder;
                  _ -> megaco_pretty_text_encoder
              end,
    Main = self(),
    spawn(fun() -> timer:sleep(Timeout), io:format("FAIL timeout after ~p ms~n", [Timeout]), halt(1) end),
    try run(Main, Port, Timeout, Encoder) of
        ok -> io:format("PASS~n"), halt(0)
    catch
        throw:{fail, Why} -> io:format("FAIL ~s~n", [Why]), halt(1);
        C:E:S -> io:format("FAIL ~p:~p ~p~n", [C, E, S]), halt(1)
    end;
main(_) ->
    io:format("usage: megaco_mgc.escript MGC_PORT TIMEOUT_S [pretty|compact]~n"),
    halt(2).

fail(Fmt, Args) -> throw({fail, lists:flatten(io_lib:format(Fmt, Args))}).

run(Main, Port, Timeout, Encoder) ->
    ok = megaco:start(),
    Mid = {ip4Address, #'IP4Address'{address = [127, 0, 0, 1], portNumber = Port}},
    ok = megaco:start_user(Mid, [{user_mod, ?MODULE}, {user_args, [Main]}]),
    {ok, Sup} = megaco_udp:start_transport(),
    RH = #megaco_receive_handle{local_mid = Mid, encoding_mod = Encoder, encoding_config = [],
                                send_mod = megaco_udp},
    {ok, _SendHandle, _Control} = megaco_udp:open(Sup, [{port, Port}, {receive_handle, RH}]),
    io:format("READY ~p ~p~n", [Port, Encoder]),
    CH = receive
             {registered, Conn, Method} ->
                 io:format("OK ServiceChange ~p from the gateway accepted~n", [Method]),
                 Conn
         after Timeout -> fail("no ServiceChange from the gateway", [])
         end,
    %% AuditValue of ROOT: the Packages descriptor must decode.
    Root = #'CommandRequest'{command = {auditValueRequest,
                                         #'AuditRequest'{terminationID = ?megaco_root_termination_id,
                                                         auditDescriptor = #'AuditDescriptor'{auditToken = [packagesToken]}}}},
    [#'ActionReply'{commandReply = [{auditValueReply, {auditResult, #'AuditResult'{terminationAuditResult = Audit}}}]}] =
        call(CH, [#'ActionRequest'{contextId = ?megaco_null_context_id, commandRequests = [Root]}], "AuditValue ROOT"),
    Packages = [Name || {packagesDescriptor, Items} <- Audit, {'PackagesItem', Name, _} <- Items],
    lists:member("dd", Packages) orelse fail("packages ~p lack dd", [Packages]),
    io:format("OK AuditValue ROOT: packages ~s~n", [string:join(Packages, ",")]),
    %% Add a TDM and an RTP termination to a new context.
    Tdm = #megaco_term_id{id = ["tdm", "1", "1"]},
    Local = #'LocalRemoteDescriptor'{propGrps = [[#'PropertyParm'{name = "v", value = ["0"]},
                                                  #'PropertyParm'{name = "c", value = ["IN IP4 $"]},
                                                  #'PropertyParm'{name = "m", value = ["audio $ RTP/AVP 0"]}]]},
    RtpMedia = #'MediaDescriptor'{streams = {oneStream,
                                             #'StreamParms'{localControlDescriptor =
                                                                #'LocalControlDescriptor'{streamMode = recvOnly,
                                                                                          propertyParms = []},
                                                            localDescriptor = Local}}},
    AddTdm = #'CommandRequest'{command = {addReq, #'AmmRequest'{terminationID = [Tdm], descriptors = []}}},
    AddRtp = #'CommandRequest'{command = {addReq, #'AmmRequest'{
                                                     terminationID = [#megaco_term_id{contains_wildcards = true,
                                                                                      id = ["rtp", [?megaco_choose]]}],
                                                     descriptors = [{mediaDescriptor, RtpMedia}]}}},
    [#'ActionReply'{contextId = Ctx, commandReply = Replies}] =
        call(CH, [#'ActionRequest'{contextId = ?megaco_choose_context_id, commandRequests = [AddTdm, AddRtp]}],
             "Add"),
    (is_integer(Ctx) andalso Ctx > 0 andalso Ctx < ?megaco_choose_context_id) orelse fail("context id ~p", [Ctx]),
    [{addReply, #'AmmsReply'{terminationID = [#megaco_term_id{id = TdmId}]}},
     {addReply, #'AmmsReply'{terminationID = [#megaco_term_id{id = RtpId} = RtpTid], terminationAudit = RtpAudit}}] = Replies,
    TdmId =:= ["tdm", "1", "1"] orelse fail("Add named ~p, not tdm/1/1", [TdmId]),
    case RtpId of
        ["rtp", N] when N =/= "$" -> ok;
        _ -> fail("the RTP termination was named ~p", [RtpId])
    end,
    MLine = case props(RtpAudit, "m") of
                [M | _] -> M;
                [] -> fail("no m= line in the Local of ~p", [RtpAudit])
            end,
    [_Audio, MPort | _] = string:tokens(MLine, " "),
    (list_to_integer(MPort) > 0) orelse fail("m= port ~s", [MPort]),
    io:format("OK Add: context ~p, ~s and ~s, Local m=~s~n",
              [Ctx, string:join(TdmId, "/"), string:join(RtpId, "/"), MLine]),
    %% Modify: the far end's SDP as Remote, both directions.
    Remote = #'LocalRemoteDescriptor'{propGrps = [[#'PropertyParm'{name = "v", value = ["0"]},
                                                   #'PropertyParm'{name = "o", value = ["- 7 7 IN IP4 127.0.0.1"]},
                                                   #'PropertyParm'{name = "s", value = ["-"]},
                                                   #'PropertyParm'{name = "c", value = ["IN IP4 127.0.0.1"]},
                                                   #'PropertyParm'{name = "t", value = ["0 0"]},
                                                   #'PropertyParm'{name = "m", value = ["audio 49170 RTP/AVP 0"]}]]},
    Mod = #'CommandRequest'{command = {modReq, #'AmmRequest'{
                                                  terminationID = [RtpTid],
                                                  descriptors = [{mediaDescriptor, #'MediaDescriptor'{
                                                                                     streams = {oneStream, #'StreamParms'{
                                                                                                             localControlDescriptor = #'LocalControlDescriptor'{streamMode = sendRecv, propertyParms = []},
                                                                                                             remoteDescriptor = Remote}}}}]}}},
    [#'ActionReply'{contextId = Ctx, commandReply = [{modReply, #'AmmsReply'{}}]}] =
        call(CH, [#'ActionRequest'{contextId = Ctx, commandRequests = [Mod]}], "Modify"),
    io:format("OK Modify: Remote 127.0.0.1:49170, SendReceive~n"),
    %% Subtract both: the RTP termination's statistics must decode.
    Sub = fun(Tid) -> #'CommandRequest'{command = {subtractReq, #'SubtractRequest'{terminationID = [Tid]}}} end,
    [#'ActionReply'{contextId = Ctx, commandReply = SubReplies}] =
        call(CH, [#'ActionRequest'{contextId = Ctx, commandRequests = [Sub(RtpTid), Sub(Tdm)]}], "Subtract"),
    [{subtractReply, #'AmmsReply'{terminationAudit = RtpStats}}, {subtractReply, #'AmmsReply'{}}] = SubReplies,
    Stats = [{Name, Value} || {statisticsDescriptor, Items} <- RtpStats,
                              #'StatisticsParameter'{statName = Name, statValue = Value} <- Items],
    lists:keymember("nt/dur", 1, Stats) orelse fail("no nt/dur in ~p", [RtpStats]),
    lists:keymember("rtp/ps", 1, Stats) orelse fail("no rtp/ps in ~p", [RtpStats]),
    io:format("OK Subtract: statistics ~s~n",
              [string:join([N ++ "=" ++ string:join(V, ",") || {N, V} <- Stats], " ")]),
    %% The context is gone: an error reply (411), which the stack must decode too.
    Again = call_raw(CH, [#'ActionRequest'{contextId = Ctx, commandRequests = [Sub(Tdm)]}]),
    case Again of
        {error, #'ErrorDescriptor'{errorCode = 411}} -> io:format("OK Subtract again: error 411 decoded~n");
        {ok, [#'ActionReply'{errorDescriptor = #'ErrorDescriptor'{errorCode = 411}}]} ->
            io:format("OK Subtract again: error 411 decoded~n");
        Other -> fail("Subtract of a deleted context answered ~p", [Other])
    end,
    check_stack_errors(Main),
    ok.

call_raw(CH, Actions) ->
    case megaco:call(CH, Actions, []) of
        {_Version, Reply} -> Reply;
        Other -> Other
    end.

call(CH, Actions, What) ->
    check_stack_errors(self()),
    case call_raw(CH, Actions) of
        {ok, Replies} ->
            [fail("~s: error in the reply: ~p", [What, E]) || #'ActionReply'{errorDescriptor = E} <- Replies,
                                                             E =/= asn1_NOVALUE],
            Replies;
        Other -> fail("~s: ~p", [What, Other])
    end.

%% Property values named Name anywhere in a term (SDP lines decoded by megaco).
props(Term, Name) ->
    lists:reverse(props(Term, Name, [])).
props(#'PropertyParm'{name = Name, value = [V | _]}, Name, Acc) -> [V | Acc];
props(T, Name, Acc) when is_tuple(T) -> props(tuple_to_list(T), Name, Acc);
props([H | T], Name, Acc) -> props(T, Name, props(H, Name, Acc));
props(_, _, Acc) -> Acc.

check_stack_errors(_Main) ->
    receive
        {stack_error, What, Detail} -> fail("megaco reported ~s: ~p", [What, Detail])
    after 0 -> ok
    end.

%% ---- megaco_user callbacks (run in megaco's processes) -----------------------------------
handle_connect(_CH, _PV, _Main) -> ok.
handle_disconnect(_CH, _PV, _Reason, _Main) -> ok.
handle_syntax_error(_RH, _PV, Error, Main) ->
    Main ! {stack_error, "a syntax error", Error},
    reply.
handle_message_error(_CH, _PV, Error, Main) ->
    Main ! {stack_error, "a message error", Error},
    no_reply.
handle_trans_request(CH, _PV, Actions, Main) ->
    Replies = [reply_to(CH, A, Main) || A <- Actions],
    {discard_ack, Replies}.
handle_trans_long_request(_CH, _PV, _Data, _Main) -> {discard_ack, []}.
handle_trans_reply(_CH, _PV, _Result, _Data, _Main) -> ok.
handle_trans_ack(_CH, _PV, _Status, _Data, _Main) -> ok.
handle_unexpected_trans(_CH, _PV, Trans, Main) ->
    Main ! {stack_error, "an unexpected transaction", Trans},
    ok.
handle_trans_request_abort(_CH, _PV, _TransNo, _Pid, _Main) -> ok.

reply_to(CH, #'ActionRequest'{contextId = Ctx, commandRequests = Cmds}, Main) ->
    #'ActionReply'{contextId = Ctx, commandReply = [command_reply(CH, C, Main) || C <- Cmds]}.

command_reply(CH, #'CommandRequest'{command = {serviceChangeReq, #'ServiceChangeRequest'{terminationID = Tids,
                                                                                       serviceChangeParms = P}}},
              Main) ->
    Main ! {registered, CH, P#'ServiceChangeParm'.serviceChangeMethod},
    {serviceChangeReply, #'ServiceChangeReply'{terminationID = Tids,
                                               serviceChangeResult = {serviceChangeResParms,
                                                                      #'ServiceChangeResParm'{}}}};
command_reply(_CH, #'CommandRequest'{command = {notifyReq, #'NotifyRequest'{terminationID = Tids}}}, _Main) ->
    {notifyReply, #'NotifyReply'{terminationID = Tids}};
command_reply(_CH, #'CommandRequest'{command = Other}, Main) ->
    Main ! {stack_error, "an unexpected request", Other},
    {notifyReply, #'NotifyReply'{terminationID = [?megaco_root_termination_id]}}.

// Telling when a request is over for its client: its response closed, or its connection did.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Socket } from 'node:net';

// Node emits 'close' on a response only once the response is attached to its socket: one queued
// behind another on a pipelined connection never emits it when the connection dies first (nor
// does its request, whose 'close' came when its body had been read). So a request is also over
// when its socket closes. One listener per socket, however many requests it carries.
const socketWatchers = new WeakMap<Socket, Set<() => void>>();
function onSocketClose(socket: Socket, fn: () => void): () => void {
  let watchers = socketWatchers.get(socket);
  if (!watchers) {
    const set = new Set<() => void>();
    socketWatchers.set(socket, set);
    socket.once('close', () => {
      socketWatchers.delete(socket);
      for (const watcher of set) watcher();
    });
    watchers = set;
  }
  const own = watchers;
  own.add(fn);
  return () => own.delete(fn);
}

/** Runs `fn` once, when the response closes or its connection does; returns a function that stops watching. */
export function whenGone(request: FastifyRequest, reply: FastifyReply, fn: () => void): () => void {
  let watching = true;
  let forget = () => {};
  const stop = () => {
    watching = false;
    reply.raw.off('close', gone);
    forget();
  };
  function gone() {
    if (!watching) return;
    stop();
    fn();
  }
  reply.raw.once('close', gone);
  const socket = request.raw.socket as Socket | null;
  if (!socket || socket.destroyed) gone();
  else forget = onSocketClose(socket, gone);
  return stop;
}

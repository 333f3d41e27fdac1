# Build: compile the native SQLite module and the TypeScript, then keep only what runs.
FROM node:20-trixie-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# What `npm ci` reads: the lock file and every manifest (each workspace's package.json too).
COPY package.json package-lock.json ./
COPY packages/client/package.json packages/client/tsconfig.json ./packages/client/
RUN npm ci
COPY tsconfig.json tsconfig.build.json tsconfig.client-check.json tsoa.json ./
COPY src ./src
COPY packages/client/src ./packages/client/src
COPY scripts ./scripts
# better-sqlite3 runs only its compiled .node file: its SQLite sources and compiler output go. Source maps
# and type declarations are for developers; the service runs without them.
RUN npm run build \
 && npm prune --omit=dev \
 && cd node_modules/better-sqlite3 \
 && mv build/Release/better_sqlite3.node . \
 && rm -rf build deps src \
 && mkdir -p build/Release \
 && mv better_sqlite3.node build/Release/ \
 && cd /app \
 && find dist packages/client/dist -name '*.map' -delete \
 && find dist packages/client/dist -name '*.d.ts' -delete

# Run: the compiled service, its migrations and reference data, as the unprivileged node user.
FROM node:20-trixie-slim
ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0 \
    DATABASE_PATH=/data/sonar.db
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
# The uploader's typed client: a workspace, linked from node_modules.
COPY --from=build /app/packages/client/package.json ./packages/client/
COPY --from=build /app/packages/client/dist ./packages/client/dist
COPY --from=build /app/dist ./dist
COPY db ./db
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node directly (not npm) so that SIGTERM reaches the service and it shuts down gracefully.
CMD ["node", "dist/src/server.js"]

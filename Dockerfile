# Builds the server; run it with docker-compose.yml (PostgreSQL beside it).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY . .
RUN npm ci && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production TSOGS_DATA_DIR=/data PORT=8080
COPY --from=build /app/package.json ./
COPY --from=build /app/bin ./bin
COPY --from=build /app/dist ./dist
COPY --from=build /app/node_modules ./node_modules
VOLUME /data
EXPOSE 8080
CMD ["node", "dist/src/main.js"]

-- A small shop schema for trying cdcctl: a few of every kind of column.
DROP SCHEMA IF EXISTS shop CASCADE;
CREATE SCHEMA shop;
CREATE TYPE shop.order_status AS ENUM ('new', 'paid', 'shipped');

CREATE TABLE shop.customers (
    id         bigint PRIMARY KEY,
    email      text NOT NULL,
    name       text,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE shop.orders (
    id          bigint PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES shop.customers(id),
    status      shop.order_status NOT NULL,
    total       numeric(12,2) NOT NULL,
    placed_on   date NOT NULL,
    items       text[] NOT NULL,
    details     jsonb,
    token       uuid
);

INSERT INTO shop.customers (id, email, name, created_at) VALUES
    (1, 'ada@example.com', 'Ada Lovelace', '2026-11-01 09:00:00+00'),
    (2, 'alan@example.com', 'Alan Turing', '2026-11-02 10:30:00+00'),
    (3, 'grace@example.com', NULL, '2026-11-03 12:15:30.25+00');

INSERT INTO shop.orders VALUES
    (100, 1, 'paid', 129.90, '2026-11-20', '{"notebook","pen"}', '{"gift": true}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'),
    (101, 2, 'new', 15.00, '2026-11-23', '{"tea"}', NULL, NULL),
    (102, 3, 'shipped', 4999.99, '2026-11-24', '{"difference engine","punch cards"}', '{"express": true}', gen_random_uuid());

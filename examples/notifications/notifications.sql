-- The notifications of a small app: rows written by the app, delivered by a consumer that reads
-- them from Kafka (examples/notifications/run.sh).
DROP SCHEMA IF EXISTS notify CASCADE;
CREATE SCHEMA notify;

CREATE TABLE notify.notifications (
    id         bigint PRIMARY KEY,
    user_id    bigint NOT NULL,
    channel    text NOT NULL CHECK (channel IN ('email', 'push', 'sms')),
    title      text NOT NULL,
    body       text,
    recipient  text NOT NULL,            -- an address: never leaves the database
    created_at timestamptz NOT NULL DEFAULT now(),
    read_at    timestamptz
);

INSERT INTO notify.notifications (id, user_id, channel, title, body, recipient) VALUES
    (1, 10, 'email', 'Welcome!', 'Thanks for signing up.', 'ada@example.com'),
    (2, 11, 'push', 'Your order shipped', 'Order 102 is on its way.', 'device-7f3a');

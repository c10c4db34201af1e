-- The table the pipeline persists products into (and streams from).
CREATE TABLE IF NOT EXISTS public.products (
  sku        text PRIMARY KEY,
  name       text NOT NULL,
  price      numeric(12,2) NOT NULL CHECK (price >= 0),
  stock      integer NOT NULL DEFAULT 0,
  updated_at timestamptz
);

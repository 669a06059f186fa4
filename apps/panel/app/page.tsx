import { HomePageClient } from './page-client';

export default function HomePage() {
  return <HomePageClient />;
}
